/**
 * The sides of `citycloud diff`: a synth output folder as it is, or a git ref of the inventory's
 * repository — checked out into a temporary worktree (the user's tree and index are untouched)
 * and synthesized by this citycloud into a temporary folder, sharing the synth cache, so two refs
 * differ only by what their inventories say. Temporary folders and the worktree are removed after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { AuditInputError } from '../../audit/audit-error.ts';
import { type OutputSide, openOutput } from '../../audit/output-side.ts';
import { MANIFEST_FILE } from '../../synth/manifest.ts';
import { fromRoot } from '../../synth/project-root.ts';

const git = (cwd: string, args: readonly string[]) =>
  spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The argv that checks a ref out into `dir` without touching the user's work tree or index. */
export const worktreeAddArgs = (dir: string, commit: string) => [
  'worktree',
  'add',
  '--detach',
  '--quiet',
  dir,
  commit,
];

export interface Sides {
  readonly sides: OutputSide[];
  /** Removes what was made for the sides (worktrees, temporary outputs). */
  readonly cleanUp: () => void;
}

/**
 * Opens each of `specs` as a side: a folder with a manifest as it is; otherwise a git ref of the
 * repository holding `inventory`, synthesized.
 */
export function openSides(
  specs: readonly string[],
  options: {
    readonly inventory: string;
    readonly cache: string | false;
    readonly progress: (line: string) => void;
  },
): Sides {
  const made: (() => void)[] = [];
  const cleanUp = () => {
    for (const f of made.reverse()) f();
  };
  try {
    const sides = specs.map((spec) => {
      // a folder is a synth output (openOutput says what is missing if it is not one)
      if (existsSync(spec)) return openOutput(spec);
      return synthesizeRef(spec, options, made);
    });
    return { sides, cleanUp };
  } catch (err) {
    cleanUp();
    throw err;
  }
}

function synthesizeRef(
  ref: string,
  options: {
    readonly inventory: string;
    readonly cache: string | false;
    readonly progress: (line: string) => void;
  },
  made: (() => void)[],
): OutputSide {
  const inventory = realpathSync(resolve(options.inventory));
  const top = git(dirname(inventory), ['rev-parse', '--show-toplevel']);
  if (top.error || top.status !== 0)
    throw new AuditInputError(
      `${ref}: no such folder, and ${options.inventory} is not in a git repository to read a ref from; give two synth output folders or two refs of the inventory's repository`,
    );
  const root = top.stdout.trim();
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (commit.status !== 0)
    throw new AuditInputError(
      `${ref}: neither a synth output folder (no ${MANIFEST_FILE}) nor a commit of ${root} (git rev-parse found none)`,
    );
  const sha = commit.stdout.trim();
  const temp = mkdtempSync(join(tmpdir(), 'citycloud-diff-'));
  made.push(() => rmSync(temp, { recursive: true, force: true }));
  const tree = join(temp, 'worktree');
  const add = git(root, worktreeAddArgs(tree, sha));
  if (add.status !== 0)
    throw new AuditInputError(`${ref}: git worktree add failed: ${add.stderr.trim().split('\n').at(-1)}`);
  made.push(() => {
    git(root, ['worktree', 'remove', '--force', tree]);
    git(root, ['worktree', 'prune']);
  });
  const inTree = join(tree, relative(root, inventory));
  if (!existsSync(inTree))
    throw new AuditInputError(`${ref}: ${relative(root, inventory)} does not exist at ${sha.slice(0, 12)}`);
  const out = join(temp, 'out');
  options.progress(`synthesizing ${ref} (${sha.slice(0, 12)}) in a temporary worktree…`);
  const r = spawnSync(
    process.execPath,
    [
      fromRoot('bin/citycloud.mjs'),
      'synth',
      '--inventory',
      inTree,
      '--out',
      out,
      ...(options.cache ? ['--cache', resolve(options.cache)] : ['--no-cache']),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.status !== 0) {
    const said = `${r.stdout}\n${r.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => l.replaceAll(tree, `${ref}:`));
    throw new AuditInputError(
      `${ref}: its inventory does not synthesize (exit ${r.status}): ${said.find((l) => /error|✗/.test(l)) ?? said.at(-1) ?? 'no message'}`,
    );
  }
  return openOutput(out, `${ref} (${sha.slice(0, 12)})`);
}
