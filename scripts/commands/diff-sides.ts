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
    // every ref resolved before anything is synthesized: a typo in the second fails at once
    const resolved = specs.map((spec) => (existsSync(spec) ? null : resolveRef(spec, options.inventory)));
    const sides = specs.map((spec, i) => {
      const ref = resolved[i];
      // a folder is a synth output (openOutput says what is missing if it is not one)
      return ref ? synthesizeRef(ref, options, made) : openOutput(spec);
    });
    return { sides, cleanUp };
  } catch (err) {
    cleanUp();
    throw err;
  }
}

interface ResolvedRef {
  readonly ref: string;
  readonly sha: string;
  /** The repository's top folder. */
  readonly root: string;
  /** The inventory's path within it. */
  readonly inventory: string;
}

/** The commit `ref` names in the repository holding `inventory`. */
function resolveRef(ref: string, inventoryPath: string): ResolvedRef {
  const inventory = realpathSync(resolve(inventoryPath));
  const top = git(dirname(inventory), ['rev-parse', '--show-toplevel']);
  if (top.error || top.status !== 0)
    throw new AuditInputError(
      `${ref}: no such folder, and ${inventoryPath} is not in a git repository to read a ref from; give two synth output folders or two refs of the inventory's repository`,
    );
  const root = top.stdout.trim();
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (commit.status !== 0)
    throw new AuditInputError(
      `${ref}: neither a synth output folder (no ${MANIFEST_FILE}) nor a commit of ${root} (git rev-parse found none)`,
    );
  return { ref, sha: commit.stdout.trim(), root, inventory: relative(root, inventory) };
}

function synthesizeRef(
  { ref, sha, root, inventory }: ResolvedRef,
  options: { readonly cache: string | false; readonly progress: (line: string) => void },
  made: (() => void)[],
): OutputSide {
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
  const inTree = join(tree, inventory);
  if (!existsSync(inTree))
    throw new AuditInputError(`${ref}: ${inventory} does not exist at ${sha.slice(0, 12)}`);
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
