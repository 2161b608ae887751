import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, spawnCli, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';
import { realKubectl, unreachableKubeconfig } from '../helpers/tools.ts';
import { executeArgs, runArgs, UPGRADE_TIME_SCALE } from '../helpers/upgrade-crash.ts';

const runIdOf = (text: string) => (text.match(/upgrade-\d{8}-\d{6}-[0-9a-f]{4}/) as RegExpMatchArray)[0];

describeWith([LOCAL_STACK], 'the upgrade runbook, stopped and resumed', () => {
  let fleet: LocalFleet;
  const model = loadCity(SMALL_CITY).model as CityModel;
  beforeAll(async () => {
    fleet = await startFleet(SMALL_CITY, UPGRADE_TIME_SCALE);
  });
  afterAll(() => fleet?.down());

  const expectOnceEach = async (before: Readonly<Record<string, number>>) => {
    const after = (await fleetRecord(fleet.simulator)).upgrades;
    for (const s of model.servers) expect((after[s.name] ?? 0) - (before[s.name] ?? 0), s.name).toBe(1);
  };

  it('on SIGTERM finishes the servers under way, releases the lock and exits 75; resume goes on', async () => {
    const runs = tempDir();
    const common = runArgs(fleet, ['--runs-dir', runs], SMALL_CITY);
    const before = (await fleetRecord(fleet.simulator)).upgrades;
    const run = spawnCli([...executeArgs('2028.01'), ...common]);
    await run.line(/: upgrade: POST /);
    run.child.kill('SIGTERM');
    const end = await run.exited;
    expect(end.code).toBe(75);
    expect(run.output()).toMatch(/‖ paused: interrupted \(SIGINT\/SIGTERM\)/);
    expect(existsSync(join(runs, 'lock.json'))).toBe(false);
    // the server it was upgrading finished its steps: none is left cordoned
    expect((await fleetRecord(fleet.simulator)).unavailable).toEqual([]);
    const resume = spawnCli(['runbook', 'resume', runIdOf(run.output()), ...common]);
    expect((await resume.exited).code, resume.output().slice(-1500)).toBe(0);
    await expectOnceEach(before);
  }, 300_000);

  it('stops resumable when the gates stay unanswerable past --gate-timeout, naming why', async () => {
    const runs = tempDir();
    const common = runArgs(fleet, ['--runs-dir', runs], SMALL_CITY);
    const before = (await fleetRecord(fleet.simulator)).upgrades;
    const prometheus = fleet.pid('prometheus');
    const run = spawnCli([...executeArgs('2028.02'), ...common, '--gate-timeout', '6']);
    await run.line(/^\S+ wave 0\//);
    process.kill(prometheus, 'SIGSTOP');
    let end: { code: number | null };
    try {
      end = await run.exited;
    } finally {
      process.kill(prometheus, 'SIGCONT');
    }
    expect(end.code).toBe(75);
    expect(run.output()).toMatch(
      /‖ paused: gates after wave 0 stayed inconclusive past --gate-timeout 6 s \(\S+: Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable \(no answer within 5 s\)\); nothing more was upgraded; resume it once Prometheus answers/,
    );
    const id = runIdOf(run.output());
    const resume = spawnCli(['runbook', 'resume', id, ...common]);
    expect((await resume.exited).code, resume.output().slice(-1500)).toBe(0);
    await expectOnceEach(before);
    // resumed without --gate-timeout 6: the run goes on with the common 120 s, says so and journals it
    expect(resume.output()).toContain(
      `run ${id} goes on with other settings than it last had: gateTimeout 6 → 120`,
    );
    const resumed = readFileSync(join(runs, id, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; options?: Record<string, unknown> })
      .filter((r) => r.kind === 'resumed');
    expect(resumed.map((r) => r.options?.gateTimeout)).toEqual([120]);
    const status = runCli(['runbook', 'status', id, '--runs-dir', runs]);
    expect(status.stdout).toMatch(
      /^ {2}settings: executor sim · prometheus http:\/\/127\.0\.0\.1:\d+\/? · maxFailures 0 · gateSettle \d+ · gateTimeout 120 · rebootTimeout \d+ · concurrency \d+ · outsideWindow \w+$/m,
    );
  }, 300_000);

  it('drives the real kubectl with the kubectl-ssh executor, and reports a cluster it cannot reach as a failed server', async () => {
    // the real kubectl found on the PATH, as an operator's is
    const kubectl = realKubectl();
    const kubeconfig = unreachableKubeconfig(tempDir());
    const runs = tempDir();
    const run = spawnCli(
      [
        ...executeArgs('2028.03'),
        ...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY),
        '--executor',
        'kubectl-ssh',
        '--kube-context',
        'city',
      ],
      { PATH: `${dirname(kubectl)}:${process.env.PATH}`, KUBECONFIG: kubeconfig },
    );
    const end = await run.exited;
    expect(end.code).toBe(1);
    expect(run.output()).toMatch(
      /kubectl --context city get node dc1-h1-r01-k01-u01 -o 'jsonpath=\{\.spec\.unschedulable\}\{" "\}\{\.spec\.taints\[\?\(@\.key=="node\.kubernetes\.io\/out-of-service"\)\]\.effect\}' \(attempt 1\/1\): exit 1: .*refused/,
    );
    expect(run.output()).toContain('✗ failed: 2 server(s) failed, more than --max-failures 0');
  }, 120_000);
});
