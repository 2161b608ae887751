/**
 * The built-in runbook replace-server against the fleet simulator, across "days": a failed
 * server drained (tainted out of service, as it does not answer) and taken out of the inventory
 * by a validated edit; the run stops resumable while no replacement is racked, and a resume then
 * puts it back — each effect once, as the simulator counted it, and the inventory as it was.
 * Then what the README tells an ops engineer to do: copy it into the inventory's repository,
 * change it, run it, kill it, resume it — every step once.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CityModel, loadCity, serversInService } from '../../model/index.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { replay } from '../../runbooks/engine/journal-records.ts';
import { ROOT, runCli, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import {
  fleetRecord,
  type Simulator,
  serverState,
  spawnCli,
  startSimulator,
} from '../helpers/local-fleet.ts';

/** A server of the small city's web pool. */
const VICTIM = 'dc1-h1-r01-k01-u02';
const RUN_ID = /replace-server[a-z-]*-\d{8}-\d{6}-[0-9a-f]{4}/;

describe('runbook replace-server, against the fleet simulator', () => {
  const inventory = writeCity({ 'city.yaml': smallCity() });
  const original = readFileSync(inventory, 'utf8');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator(inventory);
  }, 180_000);
  afterAll(() => sim?.stop());

  /** The arguments every command of a run takes: its inventory, store, simulator. */
  const runArgs = (runs: string) => [
    '--inventory',
    inventory,
    '--runs-dir',
    runs,
    '--executor',
    'sim',
    '--simulator',
    sim.url,
  ];

  /** The command line that starts `runbook` on VICTIM for `reason`, approved. */
  const startArgs = (runbook: string, runs: string, reason: string) => [
    'runbook',
    'run',
    runbook,
    ...runArgs(runs),
    '--param',
    `server=${VICTIM}`,
    '--param',
    `reason=${reason}`,
    '--approved-by',
    'lan.nguyen',
  ];

  /** The commands a run journaled, in order. */
  const commands = async (runs: string, run: string) => {
    const journal = await new FileRunStore(runs).journal(run, { create: false });
    try {
      return (await journal.read()).flatMap((r) => (r.kind === 'command' ? [`${r.step}: ${r.command}`] : []));
    } finally {
      await journal.close();
    }
  };

  it('takes a failed server out, waits for its replacement across resumes, and puts it back, each step once', async () => {
    const runs = tempDir();
    const fault = await sim.fault('server-down', VICTIM);
    // a reason the inventory cannot keep is refused before anything acts
    const long = runCli(startArgs('replace-server', runs, 'x'.repeat(121)));
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('the reason is kept in the inventory: one line of 1 to 120 characters');
    expect((await fleetRecord(sim.url)).cordons[VICTIM]).toBeUndefined();
    const first = runCli(startArgs('replace-server', runs, 'PSU failed, ticket INC-2231'));
    // no replacement yet: stopped, resumable, saying what it waits for
    expect(first.code, first.stdout + first.stderr).toBe(75);
    expect(first.stdout).toContain(
      `${VICTIM} is waiting at await-replacement: the replacement of ${VICTIM} is not racked yet`,
    );
    expect(first.stdout).toContain(`⧗ ${VICTIM}: await-replacement: waiting:`);
    const run = (first.stdout.match(RUN_ID) as RegExpMatchArray)[0];
    // out of the inventory, by an edit that validates: out of what is deployed and watched, the
    // pool's shortfall a warning, not an error blocking every other change
    const out = loadCity(inventory);
    expect((out.model as CityModel).outOfService).toEqual([
      expect.objectContaining({ server: VICTIM, reason: 'PSU failed, ticket INC-2231' }),
    ]);
    expect(serversInService(out.model as CityModel).map((s) => s.name)).not.toContain(VICTIM);
    expect(out.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(out.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^while server ${VICTIM} is out of service: `)),
    );
    // it does not answer: its pods were moved off by the out-of-service taint, not a drain
    let record = await fleetRecord(sim.url);
    expect([record.cordons[VICTIM], record.fences[VICTIM], record.drains[VICTIM]]).toEqual([1, 1, undefined]);

    // a day later, still no replacement: the same answer, nothing done again
    const again = runCli(['runbook', 'resume', run, ...runArgs(runs)]);
    expect(again.code, again.stdout + again.stderr).toBe(75);
    expect(await fleetRecord(sim.url)).toEqual(record);

    // resumed against another fleet by a slip of the command line: refused, nothing done
    const elsewhere = runCli([
      'runbook',
      'resume',
      run,
      ...runArgs(runs).map((a) => (a === sim.url ? 'http://127.0.0.1:1' : a)),
    ]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(
      `acts on "${sim.url}", not "http://127.0.0.1:1": resume it with the --simulator or --kube-context it was started with`,
    );

    // the replacement is racked: it answers, freshly booted; someone uncordons it by hand,
    // leaving the out-of-service taint, which would keep every pod off it
    await sim.clear(fault);
    await fetch(`${sim.url}/fleet/servers/${VICTIM}/uncordon`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const last = runCli(['runbook', 'resume', run, ...runArgs(runs)]);
    expect(last.code, last.stdout + last.stderr).toBe(0);
    record = await fleetRecord(sim.url);
    expect([
      record.cordons[VICTIM],
      record.fences[VICTIM],
      record.unfences[VICTIM],
      record.uncordons[VICTIM],
      record.drains[VICTIM],
    ]).toEqual([1, 1, 1, 2, undefined]);
    expect(await serverState(sim.url, VICTIM)).toMatchObject({ up: true, cordoned: false, fenced: false });
    // the inventory reads as it did, byte for byte
    expect(readFileSync(inventory, 'utf8')).toBe(original);
    // every action journaled once, before it ran, as the executor ran it
    const fleet = (action: string) => `POST ${sim.url}/fleet/servers/${VICTIM}/${action}`;
    expect(await commands(runs, run)).toEqual([
      `cordon: ${fleet('cordon')}`,
      `drain: ${fleet('fence')}`,
      `take-out: edit city.yaml: ${VICTIM} out of service: PSU failed, ticket INC-2231`,
      `put-back: edit city.yaml: ${VICTIM} back in service`,
      `uncordon: ${fleet('unfence')}`,
      `uncordon: ${fleet('uncordon')}`,
    ]);
  }, 180_000);

  it('is copied, changed, run, killed and resumed as the README says: every step once', async () => {
    const runs = tempDir();
    const repo = join(inventory, '..');
    const own = join(repo, 'runbooks');
    mkdirSync(own, { recursive: true });
    // a copy under the built-in's name is refused: a run and its resume go by the name
    cpSync(join(ROOT, 'runbooks/builtin/replace-server.ts'), join(own, 'replace-server.ts'));
    const same = runCli(['runbook', 'run', join(own, 'replace-server.ts'), ...runArgs(runs), '--dry-run']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(
      'runbook replace-server is built into citycloud; give your copy a name of its own',
    );
    // the change: its own name, and a step that tells the hardware team, once
    const notified = join(tempDir(), 'notified');
    const source = readFileSync(join(own, 'replace-server.ts'), 'utf8')
      .replace("name: 'replace-server',", "name: 'replace-server-hcm',")
      .replace(
        '  steps: [\n',
        // a function: in a replacement text, $` means what precedes the match
        () =>
          `  steps: [\n    {\n      name: 'notify',\n      done: async (t, { $ }) => (await $\`test -d ${notified}\`).exitCode === 0,\n      run: (t, { $ }) => $\`mkdir ${notified}\`,\n    },\n`,
      );
    expect(source).toContain("name: 'notify'");
    writeFileSync(join(own, 'replace-server-hcm.ts'), source);
    rmSync(join(own, 'replace-server.ts'));
    const before = await fleetRecord(sim.url);
    const counts = async () => {
      const r = await fleetRecord(sim.url);
      const of = (m: Readonly<Record<string, number>>, was: Readonly<Record<string, number>>) =>
        (m[VICTIM] ?? 0) - (was[VICTIM] ?? 0);
      return {
        cordons: of(r.cordons, before.cordons),
        drains: of(r.drains, before.drains),
        fences: of(r.fences, before.fences),
        unfences: of(r.unfences, before.unfences),
        uncordons: of(r.uncordons, before.uncordons),
      };
    };
    // killed right after it took the server out of the inventory, before journaling it
    const started = spawnCli(startArgs('replace-server-hcm', runs, 'disk controller, INC-2240'), {
      CITYCLOUD_CRASH_AFTER: 'take-out:1',
    });
    expect((await started.exited).signal, started.output()).toBe('SIGKILL');
    const run = (started.output().match(RUN_ID) as RegExpMatchArray)[0];
    expect(run.startsWith('replace-server-hcm-')).toBe(true);
    // the server still answers: drained, not fenced; the replacement is awaited
    const waiting = runCli(['runbook', 'resume', run, ...runArgs(runs)]);
    expect(waiting.code, waiting.stdout + waiting.stderr).toBe(75);
    expect(waiting.stdout).toContain(`take-out: already (listed out of service)`);
    // the replacement, racked in its place, boots
    await sim.clear(await sim.fault('server-down', VICTIM));
    // killed right after it put the server back, before journaling it
    const back = spawnCli(['runbook', 'resume', run, ...runArgs(runs)], {
      CITYCLOUD_CRASH_AFTER: 'put-back:1',
    });
    expect((await back.exited).signal).toBe('SIGKILL');
    const done = runCli(['runbook', 'resume', run, ...runArgs(runs)]);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toContain('put-back: already (not listed out of service)');
    expect(await counts()).toEqual({ cordons: 1, drains: 1, fences: 0, unfences: 1, uncordons: 1 });
    expect(existsSync(notified)).toBe(true);
    expect(readFileSync(inventory, 'utf8')).toBe(original);
    // the journal says each step done once
    const journal = await new FileRunStore(runs).journal(run, { create: false });
    const state = replay(await journal.read());
    await journal.close();
    expect(state.finished?.outcome).toBe('succeeded');
    expect(state.targets.get(VICTIM)?.done).toEqual([
      'notify',
      'cordon',
      'drain',
      'take-out',
      'await-replacement',
      'put-back',
      'uncordon',
    ]);
  }, 240_000);
});
