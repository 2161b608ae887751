/**
 * The health gates against the real local Prometheus: a fault stops the run at the next gate, an
 * unanswerable gate pauses it (and nothing is upgraded meanwhile), the window and the approval
 * are enforced before anything changes.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { BIN, ROOT, runCli, SMALL_CITY, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, serverState, spawnCli, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, itWith, LOCAL_STACK, SCRIPT } from '../helpers/needs.ts';
import { executeArgs, runArgs, TARGET, UPGRADE_TIME_SCALE } from '../helpers/upgrade-crash.ts';

const upgrades = async (fleet: LocalFleet) =>
  Object.values((await fleetRecord(fleet.simulator)).upgrades).reduce((a, b) => a + b, 0);

describeWith([LOCAL_STACK], 'the upgrade runbook’s gates, window and approval', () => {
  let fleet: LocalFleet;
  const model = loadCity(SMALL_CITY).model as CityModel;
  beforeAll(async () => {
    fleet = await startFleet(SMALL_CITY, UPGRADE_TIME_SCALE);
  });
  afterAll(() => fleet?.down());

  it('changes nothing without --execute, and asks for an approval', () => {
    const runs = tempDir();
    const common = runArgs(fleet, ['--runs-dir', runs], SMALL_CITY);
    const bare = runCli(['runbook', 'upgrade', '--to', TARGET, ...common]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('nothing changes without --execute');
    const unapproved = runCli(['runbook', 'upgrade', '--execute', '--to', TARGET, ...common]);
    expect(unapproved.code).toBe(2);
    expect(unapproved.stderr.trim()).toBe(
      '--execute needs an approval: pass --approved-by NAME (or run it on a terminal to be asked)',
    );
    expect(readdirSync(runs)).toEqual([]);
  });

  it('with four eyes, refuses an operator approving their own run', async () => {
    const city = smallCity();
    city.runbooks = { fourEyes: true };
    const inventory = writeCity({ 'city.yaml': city });
    const runs = tempDir();
    const args = [
      'runbook',
      'upgrade',
      '--execute',
      '--to',
      TARGET,
      ...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY),
      '--inventory',
      inventory,
      '--operator',
      'lan',
    ];
    const self = runCli([...args, '--approved-by', 'lan']);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain(
      'runbooks.fourEyes is on: the approver (lan) must be someone other than the operator (lan); nothing was done',
    );
    expect(readdirSync(runs)).toEqual([]);
    expect(await upgrades(fleet)).toBe(0);
  });

  it('starts no wave outside the maintenance window: it stops resumable (exit 75)', async () => {
    // a window on a day two days from now in the city (never today, nor this morning's overnight part)
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][
      (new Date(Date.now() + 7 * 3600e3).getUTCDay() + 2) % 7
    ];
    const city = smallCity();
    city.runbooks = { upgrade: { window: { days: [day], from: '01:00', to: '03:00' } } };
    const runs = tempDir();
    const r = runCli([
      ...executeArgs(TARGET),
      ...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY),
      '--inventory',
      writeCity({ 'city.yaml': city }),
      '--exit-outside-window',
    ]);
    expect(r.code).toBe(75);
    expect(r.stdout).toContain(
      `paused: outside the maintenance window (${day} 01:00–03:00 Asia/Ho_Chi_Minh)`,
    );
    expect(await upgrades(fleet)).toBe(0);
  });

  it('pauses while Prometheus does not answer, upgrading nothing, and goes on when it is back', async () => {
    const runs = tempDir();
    const run = spawnCli([...executeArgs(TARGET), ...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY)]);
    await run.line(/^\S+ wave 2\//);
    const prometheus = fleet.pid('prometheus');
    process.kill(prometheus, 'SIGSTOP');
    try {
      await run.line(/gates after wave 2: inconclusive, retrying/);
      const before = await upgrades(fleet);
      await run.line(/gates after wave 2: inconclusive, retrying/, 3);
      expect(await upgrades(fleet)).toBe(before);
      expect(run.output()).toMatch(
        /Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable \(no answer within 5 s\)/,
      );
    } finally {
      process.kill(prometheus, 'SIGCONT');
    }
    const end = await run.exited;
    expect(end.code).toBe(0);
    expect(run.output()).toContain('✓ succeeded: every wave passed its gates');
  }, 300_000);

  it('stops at the next gate when a server outside the wave goes down (exit 1), with the query and the value', async () => {
    const runs = tempDir();
    const run = spawnCli([
      ...executeArgs('2027.01'),
      ...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY),
      '--gate-settle',
      '5',
    ]);
    await run.line(/^\S+ wave 1\//);
    const victim = model.servers.find((s) => s.pool === 'wh-a')?.name as string;
    const res = await fetch(`${fleet.simulator}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'server-down', target: victim }),
    });
    expect(res.status).toBe(201);
    try {
      const end = await run.exited;
      expect(end.code).toBe(1);
      expect(run.output()).toMatch(
        new RegExp(
          `✗ failed: gate fleet-up failed after wave \\d+: 1 server\\(s\\) outside the wave are down: ${victim} \\(query: up\\{job="node"\\} == 0; value: 1\\)`,
        ),
      );
      // no wave started after the failed gate
      const status = JSON.parse(runCli(['runbook', 'status', '--runs-dir', runs, '--json']).stdout) as {
        state: string;
        waves: { wave: number; done: number; gatesPassed: boolean }[];
      };
      expect(status.state).toBe('failed');
      const failedAt = status.waves.findIndex((w) => w.done > 0 && !w.gatesPassed);
      expect(failedAt).toBeGreaterThan(0);
      expect(status.waves.slice(failedAt + 1).every((w) => w.done === 0)).toBe(true);
    } finally {
      await fetch(`${fleet.simulator}/faults`, { method: 'DELETE' });
    }
  }, 300_000);

  it('aborts past --max-failures, tolerates up to it while no pool would go past its w with it out (exit 1, naming the server), and retries it on resume', async () => {
    const runs = tempDir();
    const common = [...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY), '--gate-settle', '10'];
    // the first server of pool web is in the canary wave; a fault keeps it from answering
    const victim = model.servers
      .filter((s) => s.pool === 'web')
      .map((s) => s.name)
      .sort()[0] as string;
    const fault = await fetch(`${fleet.simulator}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'server-down', target: victim }),
    });
    expect(fault.status).toBe(201);
    const before = (await fleetRecord(fleet.simulator)).upgrades;
    try {
      const first = spawnCli([...executeArgs('2027.02'), ...common]);
      expect((await first.exited).code).toBe(1);
      expect(first.output()).toContain('✗ failed: 1 server(s) failed, more than --max-failures 0');
      expect(first.output()).toContain(
        `✗ ${victim} drain: POST /fleet/servers/${victim}/drain: HTTP 409 server ${victim} does not answer`,
      );
      const run = (first.output().match(/upgrade-\d{8}-\d{6}-[0-9a-f]{4}/) as RegExpMatchArray)[0];
      const tolerated = spawnCli(['runbook', 'resume', run, ...common, '--max-failures', '1']);
      expect((await tolerated.exited).code).toBe(1);
      // tolerated, but still out of service (cordoned): web's next wave would make two out, over w
      expect(tolerated.output()).toContain(
        `✗ failed: pool web has 1 failed server(s) that may still be out of service (${victim}); wave 1 would take it past its w of 1. Fix them and resume`,
      );
      expect((await serverState(fleet.simulator, victim)).cordoned).toBe(true);
      // and no wave after the canary took a web server while it was out
      expect((await fleetRecord(fleet.simulator)).pools.web?.maxOut).toBeLessThanOrEqual(1);
    } finally {
      await fetch(`${fleet.simulator}/faults`, { method: 'DELETE' });
    }
    const run = (
      runCli(['runbook', 'status', '--runs-dir', runs, '--json']).stdout.match(
        /"run": "([^"]+)"/,
      ) as RegExpMatchArray
    )[1] as string;
    const fixed = spawnCli(['runbook', 'resume', run, ...common]);
    expect((await fixed.exited).code, fixed.output().slice(-1500)).toBe(0);
    const after = (await fleetRecord(fleet.simulator)).upgrades;
    for (const s of model.servers) expect((after[s.name] ?? 0) - (before[s.name] ?? 0), s.name).toBe(1);
  }, 300_000);

  itWith(
    [SCRIPT],
    'on a terminal: asks for the approver, and shows a live task list of the waves, the steps and their commands',
    async () => {
      const runs = tempDir();
      const cmd = [
        process.execPath,
        BIN,
        'runbook',
        'upgrade',
        '--execute',
        '--to',
        '2027.03',
        '--operator',
        'minh',
        ...runArgs(fleet, ['--runs-dir', runs], SMALL_CITY),
      ]
        .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
        .join(' ');
      // script(1) gives the command a pseudo-terminal (of 160 columns); the approver's name is typed on it
      const tty = spawn('/usr/bin/script', ['-q', '-e', '-c', `stty cols 160 rows 50; ${cmd}`, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, TERM: 'xterm', COLUMNS: '200' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      tty.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes("Approver's name") && !tty.stdin.writableEnded) tty.stdin.end('lan\n');
      });
      const code = await new Promise<number | null>((resolve) => tty.on('close', resolve));
      out = stripVTControlCharacters(out);
      expect(code, out.slice(-2000)).toBe(0);
      expect(out).toContain("Upgrade 14 servers to 2027.03 in 13 waves. Approver's name (empty to cancel):");
      expect(out).toContain('wave 0/12 (canary: one server of each pool): 2 servers');
      expect(out).toMatch(
        /cordon: POST http:\/\/127\.0\.0\.1:\d+\/fleet\/servers\/dc1-h1-r01-k0\d-u\d+\/cordon/,
      );
      expect(out).toContain('gates after wave 12');
      const status = JSON.parse(runCli(['runbook', 'status', '--runs-dir', runs, '--json']).stdout) as {
        approvedBy: string;
        startedBy: string;
      };
      expect(status.approvedBy).toBe('lan');
      expect(status.startedBy).toMatch(/^minh@/);
    },
    300_000,
  );
});
