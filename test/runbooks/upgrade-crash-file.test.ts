/** kill -9 at 20 moments of an upgrade, each followed by a resume: exactly once (local run store). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/city.ts';
import { type LocalFleet, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';
import { crashCity, expectExactlyOnce, killAndResume, UPGRADE_TIME_SCALE } from '../helpers/upgrade-crash.ts';

describeWith([LOCAL_STACK], 'the upgrade runbook, killed and resumed (local run store)', () => {
  let fleet: LocalFleet;
  const city = crashCity();
  beforeAll(async () => {
    fleet = await startFleet(city, UPGRADE_TIME_SCALE);
  });
  afterAll(() => fleet?.down());

  it('upgrades every server exactly once and skips none, across 20 kill -9 and resumes', async () => {
    const runs = tempDir();
    const store = ['--runs-dir', runs];
    const seed = 20261201;
    const { run, kills, lockRefusal } = await killAndResume(fleet, city, store, seed);
    expect(kills).toBe(20);
    // the second run was refused by the lock, naming the run that holds it
    expect(lockRefusal.code).toBe(1);
    expect(lockRefusal.stderr).toContain(`another runbook holds the fleet's lock: run ${run} by minh@`);
    await expectExactlyOnce(fleet, city);
    // each resume took over the dead run's lock, and journaled whose it was
    const journal = readFileSync(join(runs, run, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; tookOverLockOf?: { pid: number } });
    const resumes = journal.filter((r) => r.kind === 'resumed');
    // the first run and 19 resumes were killed, then one more resume ran to the end
    expect(resumes).toHaveLength(20);
    expect(resumes.every((r) => (r.tookOverLockOf?.pid ?? 0) > 0)).toBe(true);
    // the status, from the journal alone
    const status = runCli(['runbook', 'status', run, '--runs-dir', runs, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { state: string; totals: Record<string, number>; lock: unknown };
    expect(s.state).toBe('succeeded');
    expect(s.totals).toEqual({
      planned: 38,
      upgraded: 38,
      alreadyUpgraded: 0,
      failed: 0,
      skipped: 0,
      remaining: 0,
    });
    expect(s.lock).toBeNull();
  }, 600_000);
});
