/** The runbook commands' refusals and their lock breaking, without a fleet. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/city.ts';
import { freePorts } from '../helpers/local-fleet.ts';

const RUN = 'upgrade-20261201-220000-0a0b';

describe('citycloud runbook', () => {
  it('unlock breaks a stale lock only with a reason, and journals who and why in the run that held it', () => {
    const runs = tempDir();
    mkdirSync(join(runs, RUN));
    writeFileSync(
      join(runs, RUN, 'journal.jsonl'),
      `${JSON.stringify({ seq: 1, at: '2026-12-01T22:00:00Z', kind: 'wave-started', wave: 0 })}\n`,
    );
    const dead = spawnSync('true').pid as number;
    writeFileSync(
      join(runs, 'lock.json'),
      JSON.stringify({
        run: RUN,
        user: 'minh',
        host: hostname(),
        pid: dead,
        startedAt: '2026-12-01T22:00:00Z',
        heartbeatAt: '2026-12-01T22:00:00Z',
        expiresAfterSeconds: 60,
      }),
    );
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
    expect(r.stdout).toContain(
      `✓ broke the lock of run ${RUN} (minh@${hostname()} pid ${dead}); journaled: lan — run died with its VM`,
    );
    expect(existsSync(join(runs, 'lock.json'))).toBe(false);
    const last = JSON.parse(
      readFileSync(join(runs, RUN, 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .at(-1) as string,
    );
    expect(last).toMatchObject({
      seq: 2,
      kind: 'unlocked',
      reason: 'run died with its VM',
      by: { user: 'lan' },
      lock: { user: 'minh', pid: dead },
    });
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
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^kubectl is not installed; the kubectl-ssh executor needs it/);
  });
});
