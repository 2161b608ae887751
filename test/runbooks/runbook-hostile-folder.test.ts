/**
 * The runbook commands against a runs folder written by someone hostile or careless: links planted
 * where citycloud writes, a lock that is not a lock, files that are not files, a journal too big,
 * text that would drive a terminal or a shell, a journal that would take a wave outside the
 * window, invisible characters in a name. Nothing is written through, nothing hangs, every refusal
 * is one line with its exit code, and nothing is acted on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sameIdentity } from '../../runbooks/engine/journal-records.ts';
import { runCli, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import { CLOSED_FLEET, journalOf, RUN, writeRun } from '../helpers/written-runs.ts';

describe('the runbook commands against a hostile runs folder', () => {
  it('never writes through a link planted where the lock goes, and breaks only the link', async () => {
    const runs = tempDir();
    const victim = join(tempDir(), 'bashrc');
    writeFileSync(victim, 'echo hello\n');
    mkdirSync(runs, { recursive: true });
    symlinkSync(victim, join(runs, 'lock.json'));
    const status = runCli(['runbook', 'status', '--runs-dir', runs]);
    expect(status.code).toBe(2); // no run yet
    const resume = runCli(['runbook', 'resume', RUN, '--runs-dir', runs, ...CLOSED_FLEET]);
    expect(resume.code).toBe(2);
    await writeRun(tempDir()); // the folder of another: this one has no run
    const unlock = runCli(['runbook', 'unlock', '--runs-dir', runs, '--reason', 'a link']);
    expect(unlock.code).toBe(0);
    expect(unlock.stdout.trim()).toBe(
      `✓ broke a lock that could not be read (${join(runs, 'lock.json')} is a symbolic link, not a lock file citycloud wrote); not journaled: it names no run`,
    );
    expect(readFileSync(victim, 'utf8')).toBe('echo hello\n');
    expect(existsSync(join(runs, 'lock.json'))).toBe(false);
  });

  it('takes a lock whose run is not a run id for an unreadable one: no command built from it', async () => {
    const runs = tempDir();
    await writeRun(runs, { release: true });
    writeFileSync(
      join(runs, 'lock.json'),
      JSON.stringify({
        run: '$(touch /tmp/pwned)',
        user: 'minh\u001b[31m',
        host: hostname(),
        pid: 1,
        startedAt: '2026-12-01T22:00:00Z',
        heartbeatAt: '2026-12-01T22:00:00Z',
        expiresAfterSeconds: 60,
      }),
    );
    const r = runCli(['runbook', 'resume', RUN, '--runs-dir', runs, ...CLOSED_FLEET]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `the fleet's runbook lock is held but cannot be read: ${join(runs, 'lock.json')} is not a lock citycloud wrote. Make sure no run is going, then break it with: citycloud runbook unlock --reason "…" --runs-dir ${runs}`,
    );
    expect(journalOf(runs)).toHaveLength(2);
  });

  it('refuses files that are not files, and a journal too big, in one line; never hangs on a pipe', async () => {
    const runs = tempDir();
    await writeRun(runs, { release: true });
    const file = join(runs, RUN, 'journal.jsonl');
    // a named pipe: opened without waiting for a writer
    const fifo = tempDir();
    mkdirSync(join(fifo, RUN), { recursive: true });
    spawnSync('mkfifo', [join(fifo, RUN, 'journal.jsonl')]);
    const pipe = runCli(['runbook', 'status', RUN, '--runs-dir', fifo]);
    expect(pipe.code).toBe(2);
    expect(pipe.stderr.trim()).toBe(`${join(fifo, RUN, 'journal.jsonl')} is not a regular file`);
    // a journal padded past the bound
    truncateSync(file, 300 * 1024 * 1024);
    const big = runCli(['runbook', 'status', RUN, '--runs-dir', runs]);
    expect(big.code).toBe(2);
    expect(big.stderr.trim()).toBe(
      `${file} is ${300 * 1024 * 1024} bytes, over the ${256 * 1024 * 1024} a journal may have`,
    );
    // a lock file that is a folder: a lock held by nobody known
    const dirLock = tempDir();
    await writeRun(dirLock, { release: true });
    mkdirSync(join(dirLock, 'lock.json'));
    const locked = runCli(['runbook', 'resume', RUN, '--runs-dir', dirLock, ...CLOSED_FLEET]);
    expect(locked.code).toBe(1);
    expect(locked.stderr.trim()).toMatch(
      /lock is held but cannot be read: .*lock\.json is a folder, not a lock file citycloud wrote/,
    );
    // a runs folder that cannot be one
    const bad = runCli([
      'runbook',
      'upgrade',
      '--execute',
      '--to',
      '2026.12',
      '--approved-by',
      'lan',
      '--runs-dir',
      '/etc/passwd/x',
      ...CLOSED_FLEET,
    ]);
    expect(bad.stderr).not.toContain('internal error');
  });

  it('refuses to break a lock whose run’s journal it cannot read, and says when it journals nothing', async () => {
    const runs = tempDir();
    const live = spawn('sleep', ['600']);
    try {
      await writeRun(runs, { holder: { user: 'minh', host: hostname(), pid: live.pid as number } });
      const file = join(runs, RUN, 'journal.jsonl');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"lan"', '"lana"'));
      const lock = readFileSync(join(runs, 'lock.json'), 'utf8');
      const r = runCli(['runbook', 'unlock', '--runs-dir', runs, '--reason', 'x', '--force']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `${file}:2: its "digest" is not its own: the record was changed after it was written`,
      );
      expect(readFileSync(join(runs, 'lock.json'), 'utf8')).toBe(lock);
    } finally {
      live.kill();
    }
  });

  it('calls a holder whose pid runs here alive, however old its heartbeat (a process stopped with Ctrl-Z)', async () => {
    const runs = tempDir();
    const stopped = spawn('sleep', ['600']);
    try {
      await writeRun(runs, { holder: { user: 'minh', host: hostname(), pid: stopped.pid as number } });
      const lockFile = join(runs, 'lock.json');
      const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
      writeFileSync(lockFile, JSON.stringify({ ...lock, heartbeatAt: '2020-01-01T00:00:00Z' }));
      const r = runCli(['runbook', 'unlock', '--runs-dir', runs, '--reason', 'x']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`alive (pid ${stopped.pid} is running on this host)`);
    } finally {
      stopped.kill();
    }
  });

  it('starts no server of a wave a journal says began, outside the window', async () => {
    // a window two days from now in the city, never today
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][
      (new Date(Date.now() + 7 * 3600e3).getUTCDay() + 2) % 7
    ];
    const city = smallCity();
    city.runbooks = { upgrade: { window: { days: [day], from: '01:00', to: '02:00' } } };
    const inventory = writeCity({ 'city.yaml': city });
    const runs = tempDir();
    await writeRun(runs, { more: [0, 1, 2, 3].map((wave) => ({ kind: 'wave-started', wave }) as const) });
    const r = runCli([
      'runbook',
      'resume',
      RUN,
      '--runs-dir',
      runs,
      '--exit-outside-window',
      ...CLOSED_FLEET,
      '--inventory',
      inventory,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(75);
    expect(r.stdout).toMatch(/‖ paused: outside the maintenance window/);
    // nothing was asked of the fleet: no step record at all
    expect(journalOf(runs).filter((x) => String(x.kind).startsWith('step-'))).toEqual([]);
  });

  it('takes no invisible character for another person, nor a second approval', async () => {
    expect(sameIdentity('alice\u200b', 'alice')).toBe(true);
    expect(sameIdentity('a\u00adlice', 'Alice')).toBe(true);
    const r = runCli([
      'runbook',
      'upgrade',
      '--execute',
      '--to',
      '2026.12',
      '--operator',
      'root',
      '--approved-by',
      'root\u200b',
      '--runs-dir',
      tempDir(),
      ...CLOSED_FLEET,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "--approved-by must be a person's name: 1 to 64 visible characters, none of them control, format or invisible",
    );
    const empty = runCli(['runbook', 'unlock', '--runs-dir', tempDir(), '--reason', 'x', '--operator', '']);
    expect(empty.code).toBe(2);
    const runs = tempDir();
    await writeRun(runs, {
      more: [{ kind: 'approval', approvedBy: 'someone', operator: 'minh', fourEyes: false }],
    });
    const status = runCli(['runbook', 'status', RUN, '--runs-dir', runs]);
    expect(status.code).toBe(2);
    expect(status.stderr.trim()).toBe(
      `${join(runs, RUN, 'journal.jsonl')}:3: a second approval record in one run (a run is approved once)`,
    );
  });

  it('shows text from the journal as text: no escape sequence reaches the terminal', async () => {
    const runs = tempDir();
    await writeRun(runs, {
      release: true,
      more: [{ kind: 'paused', reason: 'fine\u001b[2J\u001b]52;c;cHduZWQ=\u0007 \u202etxt' }],
    });
    const r = runCli(['runbook', 'status', RUN, '--runs-dir', runs]);
    expect(r.code).toBe(0);
    const raw = (t: string) => ['\u001b', '\u0007', '\u202e'].filter((c) => t.includes(c));
    expect(raw(r.stdout)).toEqual([]);
    const json = runCli(['runbook', 'status', RUN, '--runs-dir', runs, '--json']);
    expect(raw(json.stdout)).toEqual([]);
    expect(JSON.parse(json.stdout).reason).toBe('fine\u001b[2J\u001b]52;c;cHduZWQ=\u0007 \u202etxt');
  });

  it('reads a PostgreSQL connection string only as a URL, and never one with a password on the command line', () => {
    for (const url of [
      'host=127.0.0.1 port=1 password=s3cret',
      'postgres://u@127.0.0.1:1/db?sslpassword=s3cret',
    ]) {
      const r = runCli(['runbook', 'status', '--state', 'pg', '--state-url', url]);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain('s3cret');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
