/**
 * `citycloud diff REF REF`: each side synthesized from a git ref of the inventory's repository in a
 * temporary worktree; the user's work tree, index and uncommitted edits are left as they were, and
 * no worktree is left behind.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

let repo = '';
let city = '';
beforeAll(() => {
  repo = tempDir('citycloud-repo-');
  git(repo, 'init', '-q', '-b', 'main');
  city = join(repo, 'inventory', 'city.yaml');
  cpSync(SMALL_CITY, city, { recursive: true });
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'the city');
  writeFileSync(city, readFileSync(city, 'utf8').replace('    replicas: 3\n', '    replicas: 2\n'));
  git(repo, 'commit', '-q', '-am', 'fewer replicas');
  // an edit not committed: the diff must not touch it
  writeFileSync(city, `${readFileSync(city, 'utf8')}# work in progress\n`);
});

describe('citycloud diff of two git refs', () => {
  it('synthesizes each ref in a temporary worktree and diffs them', () => {
    const r = runCli(
      ['diff', 'HEAD~1', 'HEAD', '--inventory', city, '--format', 'json', '--cache', join(repo, '.cache')],
      repo,
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
    const none = runCli(['diff', 'HEAD', 'no-such-branch', '--inventory', city], repo);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe(
      `no-such-branch: neither a synth output folder (no manifest.json) nor a commit of ${repo} (git rev-parse found none)`,
    );
    writeFileSync(city, 'city: [broken\n');
    git(repo, 'commit', '-q', '-am', 'broken');
    const broken = runCli(['diff', 'HEAD~1', 'HEAD', '--inventory', city], repo);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^HEAD: its inventory does not synthesize \(exit 2\): /m);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});
