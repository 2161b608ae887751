/** The runbook commands' refusals and their lock breaking, without a fleet. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { planUpgrade, type UpgradePlan } from '../../runbooks/upgrade/upgrade-plan.ts';
import { BUILTIN_CITY, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { freePorts } from '../helpers/local-fleet.ts';
import { CLOSED_FLEET, journalOf, RUN, smallPlan, writeRun } from '../helpers/written-runs.ts';

describe('citycloud runbook', () => {
  it('unlock breaks a dead run’s lock only with a reason, and journals who and why in the run that held it', async () => {
    const runs = tempDir();
    await writeRun(runs);
    const held = JSON.parse(readFileSync(join(runs, 'lock.json'), 'utf8'));
    const bare = runCli(['runbook', 'unlock', '--runs-dir', runs]);
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toBe('unlock needs --reason TEXT: it is journaled with who broke the lock');
    expect(existsSync(join(runs, 'lock.json'))).toBe(true);
    const r = runCli([
      'runbook',
      'unlock',
      '--runs-dir',
      runs,
      '--reason',
      'run died with its VM',
      '--operator',
      'lan',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      `✓ broke the lock of run ${RUN} (minh@${hostname()} pid ${held.pid}, dead); journaled: lan — run died with its VM. Continue that run with: citycloud runbook resume ${RUN} --runs-dir ${runs}`,
    );
    expect(existsSync(join(runs, 'lock.json'))).toBe(false);
    const last = journalOf(runs).at(-1);
    expect(last).toMatchObject({
      seq: 3,
      kind: 'unlocked',
      reason: 'run died with its VM',
      by: { user: 'lan' },
      lock: { user: 'minh', pid: held.pid },
    });
    expect(last).not.toHaveProperty('forced');
    expect(JSON.stringify(last)).not.toContain(held.token);
  });

  it('unlock refuses a live holder unless --force, which is journaled; the holder then writes nothing more', async () => {
    const runs = tempDir();
    // a live holder: a process of this host that runs on
    const live = spawn('sleep', ['600']);
    try {
      await writeRun(runs, { holder: { user: 'minh', host: hostname(), pid: live.pid as number } });
      const lockBefore = readFileSync(join(runs, 'lock.json'), 'utf8');
      const refused = runCli(['runbook', 'unlock', '--runs-dir', runs, '--reason', 'looks stuck']);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim()).toBe(
        `the lock's holder is alive: run ${RUN} by minh@${hostname()} pid ${live.pid}, heartbeat ${JSON.parse(lockBefore).heartbeatAt}: alive (pid ${live.pid} is running on this host); breaking it would let a second run act beside it. Wait for it, or stop it; if you are sure it is stuck, break the lock with --force (journaled)`,
      );
      expect(readFileSync(join(runs, 'lock.json'), 'utf8')).toBe(lockBefore);
      const status = runCli(['runbook', 'status', RUN, '--runs-dir', runs]);
      expect(status.stdout).toContain(`lock: run ${RUN} by minh@${hostname()} pid ${live.pid}`);
      expect(status.stdout).toContain(`: alive (pid ${live.pid} is running on this host)`);
      const forced = runCli([
        'runbook',
        'unlock',
        '--runs-dir',
        runs,
        '--reason',
        'hung on a drain',
        '--force',
        '--operator',
        'lan',
      ]);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toContain(`(minh@${hostname()} pid ${live.pid}, alive, --force)`);
      expect(journalOf(runs).at(-1)).toMatchObject({
        seq: 3,
        kind: 'unlocked',
        forced: true,
        by: { user: 'lan' },
      });
      expect(existsSync(join(runs, 'lock.json'))).toBe(false);
    } finally {
      live.kill();
    }
  });

  it('resumes nothing a journal says that the inventory does not confirm', async () => {
    const fleetArgs = CLOSED_FLEET;
    const resume = (runs: string) => runCli(['runbook', 'resume', RUN, '--runs-dir', runs, ...fleetArgs]);
    // a chain written by hand: a whole pool in one wave, the plan's w raised to match
    const web = smallPlan.pools.find((p) => p.pool === 'web') as UpgradePlan['pools'][number];
    const servers = smallPlan.waves.flatMap((w) => w.servers).filter((s) => s.pool === 'web');
    const forged: UpgradePlan = {
      ...smallPlan,
      pools: smallPlan.pools.map((p) => (p.pool === 'web' ? { ...p, wave: servers.length } : p)),
      waves: [{ index: 1, kind: 'rolling', criticality: web.criticality, servers }],
    };
    const a = tempDir();
    await writeRun(a, { plan: forged });
    const r = resume(a);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `run ${RUN}: its journaled plan breaks the inventory's safety rules (pool web: the plan says wave ${servers.length}, the inventory gives ${web.wave}); it is not resumed — plan a new run from the inventory`,
    );
    // no approval record
    const b = tempDir();
    await writeRun(b, { approvedBy: null });
    expect(resume(b).stderr.trim()).toBe(
      `run ${RUN} has no approval record: it was stopped before it was approved and acted on nothing; start a new run`,
    );
    // a record edited in the middle: refused at its line, by resume and by status
    const c = tempDir();
    await writeRun(c, {
      more: [
        { kind: 'wave-started', wave: 0 },
        { kind: 'paused', reason: 'x' },
      ],
    });
    const file = join(c, RUN, 'journal.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"wave":0', '"wave":1'));
    for (const cmd of [resume(c), runCli(['runbook', 'status', RUN, '--runs-dir', c])]) {
      expect(cmd.code).toBe(2);
      expect(cmd.stderr.trim()).toBe(
        `${file}:3: its "digest" is not its own: the record was changed after it was written`,
      );
    }
    // and nothing was acted on: the lock is the dead writer's still, the journal as it was
    expect(journalOf(a)).toHaveLength(2);
  });

  it('compares identities for four eyes, at the start and at a resume', async () => {
    const start = runCli([
      'runbook',
      'upgrade',
      '--execute',
      '--to',
      '2026.12',
      '--operator',
      'lan.nguyen',
      '--approved-by',
      ' LAN.Nguyen',
      '--runs-dir',
      tempDir(),
      '--prometheus',
      'http://127.0.0.1:1',
    ]);
    expect(start.code).toBe(2);
    expect(start.stderr.trim()).toBe(
      'runbooks.fourEyes is on: the approver (LAN.Nguyen) must be someone other than the operator (lan.nguyen); nothing was done',
    );
    const builtinPlan = planUpgrade(
      loadCity(BUILTIN_CITY).model as CityModel,
      { versions: new Map() },
      '2026.12',
    );
    const runs = tempDir();
    await writeRun(runs, { plan: builtinPlan, by: 'minh', approvedBy: 'Minh' });
    const resumed = runCli([
      'runbook',
      'resume',
      RUN,
      '--runs-dir',
      runs,
      '--operator',
      'lan',
      '--prometheus',
      'http://127.0.0.1:1',
    ]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr.trim()).toBe(
      `run ${RUN} was approved by Minh, who started it; runbooks.fourEyes needs someone else's approval: plan a new run`,
    );
    const runs2 = tempDir();
    await writeRun(runs2, { plan: builtinPlan, by: 'minh', approvedBy: 'lan' });
    const byApprover = runCli([
      'runbook',
      'resume',
      RUN,
      '--runs-dir',
      runs2,
      '--operator',
      'Lan',
      '--prometheus',
      'http://127.0.0.1:1',
    ]);
    expect(byApprover.stderr.trim()).toBe(
      `run ${RUN} was approved by lan, who may not also run it (runbooks.fourEyes): someone else resumes it`,
    );
  });

  it('checks every argument before anything acts: a bad version, credentials on the command line', () => {
    for (const executor of ['sim', 'kubectl-ssh']) {
      const r = runCli([
        'runbook',
        'upgrade',
        '--execute',
        '--to',
        'bad;version',
        '--executor',
        executor,
        '--approved-by',
        'lan',
        '--runs-dir',
        tempDir(),
        '--prometheus',
        'http://127.0.0.1:1',
        '--simulator',
        'http://127.0.0.1:1',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        '--to "bad;version" is not a version: expected 1 to 64 letters, digits and . _ + ~ -, starting with a letter or digit; nothing was done',
      );
    }
    const creds = runCli([
      'runbook',
      'upgrade',
      'plan',
      '--to',
      '2026.12',
      '--prometheus',
      'https://ops:s3cret@prom.example:9090',
    ]);
    expect(creds.code).toBe(2);
    expect(creds.stderr).not.toContain('s3cret');
    expect(creds.stderr.trim()).toBe(
      '--prometheus carries credentials, which every user sees in ps and which would be written down; give https://prom.example:9090/ and put them in a file named by --prometheus-auth-file (netrc: machine prom.example login USER password PASS) or in CITYCLOUD_PROMETHEUS_AUTH=user:password',
    );
  });

  it('says what a run without records is, and skips it for the latest', async () => {
    const runs = tempDir();
    await writeRun(runs, { release: true });
    const empty = 'upgrade-20261201-230000-0e0f';
    mkdirSync(join(runs, empty));
    writeFileSync(join(runs, empty, 'journal.jsonl'), '');
    const one = runCli(['runbook', 'status', empty, '--runs-dir', runs]);
    expect(one.code).toBe(0);
    expect(one.stdout.trim()).toBe(
      `run ${empty} has no records: it was stopped as it started, before its first record, and acted on nothing`,
    );
    const latest = runCli(['runbook', 'status', '--runs-dir', runs]);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain(`run ${empty} has no records`);
    expect(latest.stdout).toContain(`run ${RUN}: upgrade to 2026.12`);
    const resume = runCli([
      'runbook',
      'resume',
      empty,
      '--runs-dir',
      runs,
      '--inventory',
      SMALL_CITY,
      '--prometheus',
      'http://127.0.0.1:1',
    ]);
    expect(resume.code).toBe(2);
    expect(resume.stderr.trim()).toBe(
      `run ${empty} has no records: it was stopped before its first one and acted on nothing; start a new run`,
    );
  });

  it('says plainly when there is nothing to show or resume', () => {
    const runs = tempDir();
    const status = runCli(['runbook', 'status', '--runs-dir', runs]);
    expect(status.code).toBe(2);
    expect(status.stderr.trim()).toBe(`no runbook has run yet (${runs})`);
    const resume = runCli(['runbook', 'resume', RUN, '--runs-dir', runs]);
    expect(resume.code).toBe(2);
    expect(resume.stderr.trim()).toBe(`no run ${RUN} in ${runs}`);
    const bad = runCli(['runbook', 'resume', '../../etc', '--runs-dir', runs]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a run id');
  });

  it('needs the live state for a plan, and names the Prometheus it could not reach', async () => {
    const [port] = await freePorts(1);
    const r = runCli([
      'runbook',
      'upgrade',
      'plan',
      '--to',
      '2026.12',
      '--prometheus',
      `http://127.0.0.1:${port}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `cannot read which servers already run 2026.12: Prometheus at http://127.0.0.1:${port} is unreachable (ECONNREFUSED); start the local one with citycloud monitor up, or pass --prometheus URL`,
    );
    const noTarget = runCli(['runbook', 'upgrade', 'plan']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr.trim()).toBe('the plan needs the target version: --to VERSION');
  });

  it('plans without Prometheus when told what to assume, and says so in the plan’s first line', async () => {
    const [port] = await freePorts(1);
    const unreachable = ['--prometheus', `http://127.0.0.1:${port}`];
    const model = loadCity(BUILTIN_CITY).model as CityModel;
    const built = model.servers.filter((s) => s.phase === '2023').length;
    const unknown = runCli([
      'runbook',
      'upgrade',
      'plan',
      '--to',
      '2026.12',
      '--assume-versions',
      'unknown',
      ...unreachable,
    ]);
    expect(unknown.code, unknown.stderr).toBe(0);
    const [first, second] = unknown.stdout.split('\n');
    expect(first).toMatch(
      /^versions not read \(--assume-versions unknown\): every server in service is planned; /,
    );
    expect(second).toBe(
      `upgrade to 2026.12: ${built} of ${built} servers in 45 waves (0 already at 2026.12, 48 of planned phases not built yet, ${built} of unknown version planned anyway)`,
    );
    const old = runCli([
      'runbook',
      'upgrade',
      'plan',
      '--to',
      '2026.12',
      '--assume-versions',
      'old',
      '--json',
      ...unreachable,
    ]);
    expect(old.code, old.stderr).toBe(0);
    const plan = JSON.parse(old.stdout) as UpgradePlan & { assumedVersions: string };
    expect(plan.assumedVersions).toBe('old');
    expect(plan.toUpgrade).toBe(built);
    expect(plan.versionUnknown).toEqual([]);
    // the same waves as a plan that read every server's version as an older one
    const { assumedVersions: _, ...waves } = plan;
    expect(waves).toEqual(
      JSON.parse(
        JSON.stringify(
          planUpgrade(model, { versions: new Map(model.servers.map((s) => [s.name, '2026.11'])) }, '2026.12'),
        ),
      ),
    );
    const bad = runCli(['runbook', 'upgrade', 'plan', '--to', '2026.12', '--assume-versions', 'new']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are unknown, old.');
  });

  it('resumes a run only with the executor it started with: another acts on another fleet', async () => {
    const runs = tempDir();
    await writeRun(runs, { executor: 'kubectl-ssh' });
    const r = runCli(['runbook', 'resume', RUN, '--runs-dir', runs, ...CLOSED_FLEET]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `run ${RUN} was started with executor "kubectl-ssh", not sim: resume it with --executor "kubectl-ssh" (another executor acts on another fleet)`,
    );
    // nothing was journaled: the refusal comes before the lock is taken
    expect(journalOf(runs).map((x) => x.kind)).toEqual(['run-started', 'approval']);
  });

  it('shows a journal’s settings one per word: a hand-edited one cannot forge a line', async () => {
    const runs = tempDir();
    await writeRun(runs, {
      options: {
        executor: 'sim\n  1028 upgraded · 0 failed · 0 remaining of 1028',
        'fake\n  state: succeeded': 1,
        maxFailures: 0,
      },
    });
    const r = runCli(['runbook', 'status', RUN, '--runs-dir', runs, '--inventory', SMALL_CITY]);
    expect(r.code, r.stderr).toBe(0);
    const settings = r.stdout.split('\n').filter((l) => l.startsWith('  settings: '));
    expect(settings).toEqual([
      '  settings: executor "sim\\n  1028 upgraded · 0 failed · 0 remaining of 1028" · "fake\\n  state: succeeded" 1 · maxFailures 0',
    ]);
    expect(r.stdout).not.toMatch(/^ {2}(1028 upgraded|state: succeeded)/m);
  });

  it('refuses a plan asked with --execute, and a day that is not one', () => {
    const plan = runCli([
      'runbook',
      'upgrade',
      '--execute',
      '--to',
      '2026.12',
      'plan',
      '--assume-versions',
      'unknown',
    ]);
    expect(plan.code).toBe(2);
    expect(plan.stderr.trim()).toBe(
      'upgrade plan only shows the plan: run it with citycloud runbook upgrade --execute, without plan',
    );
    for (const bad of ['2026-02-30', '2026-13-01', '0000-01-01', '2026-2-1']) {
      const r = runCli(['monitor', 'up', '--load-date', bad, '--dir', tempDir()]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(
        `argument '${bad}' is invalid. expected a day of the calendar such as 2026-12-01`,
      );
    }
  });

  it('says which executor tool is missing, before anything runs', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(process.cwd(), 'bin/citycloud.mjs'),
        'runbook',
        'upgrade',
        '--execute',
        '--to',
        '2026.12',
        '--executor',
        'kubectl-ssh',
        '--approved-by',
        'lan',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, PATH: '/nonexistent' },
      },
    );
    // a tool missing is not a usage error: sysexits' EX_UNAVAILABLE
    expect(r.status).toBe(69);
    expect(r.stderr.trim()).toMatch(/^kubectl is not installed; the kubectl-ssh executor needs it/);
  });
});
