/**
 * `citycloud diff REF REF`: each side synthesized from a git ref of the inventory's repository in a
 * temporary worktree; the user's work tree, index and uncommitted edits are left as they were, and
 * no worktree is left behind — on Ctrl-C and SIGTERM neither. The repository is the pull request
 * author's: a folder named like a ref does not stand in for it, and a ref's inventory may not be a
 * link out of the repository.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** A repository of the small city: HEAD~1 with 3 replicas of warehouse wa, HEAD with 2. */
function cityRepo(): { repo: string; city: string } {
  const repo = tempDir('citycloud-repo-');
  git(repo, 'init', '-q', '-b', 'main');
  const city = join(repo, 'inventory', 'city.yaml');
  cpSync(SMALL_CITY, city, { recursive: true });
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'the city');
  writeFileSync(city, readFileSync(city, 'utf8').replace('    replicas: 3\n', '    replicas: 2\n'));
  git(repo, 'commit', '-q', '-am', 'fewer replicas');
  return { repo, city };
}

const worktrees = (repo: string) =>
  git(repo, 'worktree', 'list', '--porcelain').match(/^worktree .*$/gm) ?? [];

/** A key file of the tests' own: the developer's synth cache key is never read or made. */
const KEY = { CITYCLOUD_CACHE_KEY: join(tempDir('citycloud-key-'), 'cache.key') };

let repo = '';
let city = '';
beforeAll(() => {
  ({ repo, city } = cityRepo());
  // an edit not committed: the diff must not touch it
  writeFileSync(city, `${readFileSync(city, 'utf8')}# work in progress\n`);
});

describe('citycloud diff of two git refs', () => {
  it('synthesizes each ref in a temporary worktree and diffs them', () => {
    const r = runCli(
      ['diff', 'HEAD~1', 'HEAD', '--inventory', city, '--format', 'json', '--cache', join(repo, '.cache')],
      repo,
      KEY,
    );
    expect(r.stderr).toMatch(/synthesizing HEAD~1 \([0-9a-f]{12}\) in a temporary worktree…/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.old.label).toMatch(/^HEAD~1 \([0-9a-f]{12}\)$/);
    const w = report.changes.find((c: { kind: string }) => c.kind === 'warehouse');
    expect(w).toMatchObject({ id: 'wa', level: 'high' });
    expect(w.rules[0].because).toContain('replicas 3 → 2');
  });

  it('leaves the work tree, its uncommitted edit and the worktree list as they were', () => {
    expect(readFileSync(city, 'utf8').endsWith('# work in progress\n')).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toBe(' M inventory/city.yaml\n?? .cache/\n');
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('says when a ref is not there or its inventory does not synthesize (exit 2)', () => {
    const none = runCli(['diff', 'HEAD', 'no-such-branch', '--inventory', city], repo, KEY);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe(
      `no-such-branch: neither a synth output folder (no manifest.json) nor a commit of ${repo} (git rev-parse found none)`,
    );
    writeFileSync(city, 'city: [broken\n');
    git(repo, 'commit', '-q', '-am', 'broken');
    const broken = runCli(['diff', 'HEAD~1', 'HEAD', '--inventory', city], repo, KEY);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^HEAD: its inventory does not synthesize \(exit 2\): /m);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});

describe('a name that is both a folder and a ref', () => {
  let repo = '';
  let city = '';
  beforeAll(() => {
    ({ repo, city } = cityRepo());
    // a branch master (3 replicas), and a folder master: a synth output of the work tree (2)
    git(repo, 'branch', 'master', 'HEAD~1');
    const synth = runCli(['synth', '-i', city, '--out', join(repo, 'master'), '--no-cache'], repo, KEY);
    expect(synth.code, synth.stderr).toBe(0);
    // and a folder refs/heads/master too: a name starting with refs/ is a ref all the same
    cpSync(join(repo, 'master'), join(repo, 'refs', 'heads', 'master'), { recursive: true });
  });

  it('is refused as ambiguous, saying how to name either (exit 2)', () => {
    const r = runCli(['diff', 'master', 'HEAD', '--inventory', city], repo, KEY);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `master: ambiguous, both a folder here and a branch of ${repo}; say which: ./master (or its absolute path) for the folder, refs/heads/master for the branch\n`,
    );
    expect(worktrees(repo)).toHaveLength(1);
  });

  it('./master is the folder', () => {
    const r = runCli(['diff', './master', 'HEAD', '--inventory', city, '--format', 'json'], repo, KEY);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.old.label).toBe('./master');
    expect(report.changes.filter((c: { kind: string }) => c.kind === 'warehouse')).toEqual([]);
  });

  it('refs/heads/master is the branch, whatever folder has that name', () => {
    const r = runCli(
      ['diff', 'refs/heads/master', 'HEAD', '--inventory', city, '--format', 'json'],
      repo,
      KEY,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.old.label).toMatch(/^refs\/heads\/master \([0-9a-f]{12}\)$/);
    const w = report.changes.find((c: { kind: string }) => c.kind === 'warehouse');
    expect(w.rules[0].because).toContain('replicas 3 → 2');
  });
});

describe('a ref whose inventory is a symbolic link out of the repository', () => {
  it('is refused in one line (exit 2), before anything is synthesized', () => {
    const { repo, city } = cityRepo();
    const outside = join(tempDir(), 'city.yaml');
    cpSync(SMALL_CITY, outside);
    rmSync(city);
    symlinkSync(outside, city);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'the inventory, elsewhere');
    const linked = git(repo, 'rev-parse', 'HEAD').trim();
    rmSync(city);
    cpSync(SMALL_CITY, city);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'the inventory, here again');
    const r = runCli(['diff', 'HEAD~1', 'HEAD', '--inventory', city], repo, KEY);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `HEAD~1: inventory/city.yaml at ${linked.slice(0, 12)} is a symbolic link leading out of the repository (to ${outside}); refused: a ref's inventory must be a file of that ref\n`,
    );
    expect(worktrees(repo)).toHaveLength(1);
  });
});

/** Polls `probe` (every 100 ms) until it gives a value; fails after `seconds`, or when `gone()` says waiting is pointless. */
async function until<T>(
  what: string,
  probe: () => T | null,
  gone: () => string | null,
  seconds = 120,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    const why = gone();
    if (why !== null) throw new Error(`no ${what}: ${why}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The processes whose command line holds `text`: pid → command line. */
function processesWith(text: string): Map<number, string> {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' });
  const found = new Map<number, string>();
  for (const line of ps.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m?.[2]?.includes(text)) found.set(Number(m[1]), m[2]);
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('citycloud diff of two refs on %s', (signal, code) => {
  it(`stops the synth, removes the worktree and the temporary folders, and exits ${code}`, async () => {
    const { repo, city } = cityRepo();
    // a temporary folder of the test's own: nothing another process makes there is counted
    const tmp = tempDir('citycloud-tmp-');
    const child = spawn(
      process.execPath,
      [BIN, 'diff', 'HEAD~1', 'HEAD', '--inventory', city, '--cache', join(repo, '.cache')],
      {
        cwd: repo,
        env: { ...process.env, ...KEY, TMPDIR: tmp, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.stdout.resume();
    const exited = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    const ended = () =>
      child.exitCode !== null || child.signalCode !== null ? `the diff ended first: ${stderr}` : null;

    // the temporary worktree exists, and a synth runs in it
    const tree = await until(
      'temporary worktree',
      () => worktrees(repo)[1]?.slice('worktree '.length) ?? null,
      ended,
    );
    const temp = basename(dirname(tree));
    expect(temp).toMatch(/^citycloud-diff-/);
    const synths = await until(
      'synth in the worktree',
      () => {
        const found = [...processesWith(temp)].filter(([, args]) => / synth /.test(args));
        return found.length > 0 ? found.map(([pid]) => pid) : null;
      },
      ended,
    );
    child.kill(signal);
    const status = await Promise.race([
      exited,
      new Promise<never>((_, fail) =>
        setTimeout(() => fail(new Error(`the diff did not end after ${signal}: ${stderr}`)), 120_000).unref(),
      ),
    ]);

    expect(status, stderr).toBe(code);
    expect(stderr).toMatch(
      new RegExp(
        `^citycloud: ${signal}: diff interrupted; stopped the synth of HEAD(~1)?, removed (1 temporary worktree and 1 temporary folder|2 temporary worktrees and 2 temporary folders) \\(${tmp}/citycloud-diff-\\w+(, ${tmp}/citycloud-diff-\\w+)?\\)$`,
        'm',
      ),
    );
    expect(worktrees(repo)).toHaveLength(1);
    expect(readdirSync(tmp).filter((n) => n.startsWith('citycloud-diff-'))).toEqual([]);
    for (const pid of synths) expect(alive(pid), `synth ${pid}`).toBe(false);
    expect(processesWith(temp)).toEqual(new Map());
  }, 400_000);
});
