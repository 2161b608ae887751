/**
 * The sides of `citycloud diff`: a synth output folder as it is, or a git ref of the inventory's
 * repository — checked out into a temporary worktree (the user's tree and index are untouched)
 * and synthesized by this citycloud into a temporary folder, sharing the synth cache, so two refs
 * differ only by what their inventories say. Temporary folders and the worktree are removed after,
 * and on Ctrl-C or SIGTERM too: the synth running then is stopped first.
 *
 * A ref's contents are the pull request author's to choose, so nothing in one decides what is
 * read: a folder of the checkout named like a ref is refused as ambiguous (not silently diffed
 * instead of the ref), a ref's inventory may not be a link out of its worktree, and its synth never
 * reads a cache from inside the worktree (entries of the cache are signed, synth/synth-cache.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AuditInputError } from '../../audit/audit-error.ts';
import { type OutputSide, openOutput } from '../../audit/output-side.ts';
import { MANIFEST_FILE } from '../../synth/manifest.ts';
import { fromRoot } from '../../synth/project-root.ts';
import { exitOnInterruptAfter } from '../cli/interrupt.ts';

const git = (cwd: string, args: readonly string[]) =>
  spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** How long a synth told to stop (SIGTERM) may take before it is killed (SIGKILL). */
const STOP_GRACE_MS = 3000;

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
  /** Removes what was made for the sides (worktrees, temporary outputs); safe to call twice. */
  readonly cleanUp: () => void;
}

/** What opening the sides made, to undo on the way out or on an interrupt. */
interface Made {
  /** Undo steps, run last first. */
  readonly undo: { readonly what: 'worktree' | 'folder'; readonly run: () => void }[];
  /** Temporary folders made so far (none of them may hold the cache a synth reads). */
  readonly temps: string[];
  /** The synths running, by the ref each synthesizes. */
  readonly running: Map<ChildProcess, string>;
  /** Set by an interrupt: a synth that ends then is not reported as failed. */
  interrupted: boolean;
}

/**
 * Opens each of `specs` as a side: a folder with a manifest as it is; otherwise a git ref of the
 * repository holding `inventory`, synthesized. Until `cleanUp`, Ctrl-C and SIGTERM stop the synth
 * running, remove what was made and end the process (130 / 143).
 */
export async function openSides(
  specs: readonly string[],
  options: {
    readonly inventory: string;
    readonly cache: string | false;
    readonly progress: (line: string) => void;
  },
): Promise<Sides> {
  const made: Made = { undo: [], temps: [], running: new Map(), interrupted: false };
  const undo = () => {
    const done = made.undo.splice(0).reverse();
    for (const step of done) step.run();
    return done;
  };
  const release = exitOnInterruptAfter(async (signal) => {
    made.interrupted = true;
    const stopped = [...made.running.values()];
    await Promise.all([...made.running.keys()].map(stopChild));
    const done = undo();
    const count = (what: string) => done.filter((s) => s.what === what).length;
    const [worktrees, folders] = [count('worktree'), count('folder')];
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const said = [
      ...stopped.map((ref) => `stopped the synth of ${ref}`),
      ...(worktrees || folders
        ? [
            `removed ${plural(worktrees, 'temporary worktree')} and ${plural(folders, 'temporary folder')} (${made.temps.join(', ')})`,
          ]
        : []),
    ];
    return `citycloud: ${signal}: diff interrupted; ${said.length ? said.join(', ') : 'nothing to clean up'}`;
  });
  const cleanUp = () => {
    release();
    undo();
  };
  try {
    // every spec judged and every ref resolved before anything is synthesized: a typo in the
    // second fails at once
    const judged = specs.map((spec) => judge(spec, options.inventory));
    const sides: OutputSide[] = [];
    // a folder is a synth output (openOutput says what is missing if it is not one)
    for (const side of judged)
      sides.push('folder' in side ? openOutput(side.folder) : await synthesizeRef(side.ref, options, made));
    return { sides, cleanUp };
  } catch (err) {
    // Ctrl-C reaches git and the synth too, which may fail before this process hears of it: a
    // signal that came meanwhile is handled first (and ends the process), not reported as their failure
    await oneTurnOfTheEventLoop();
    if (made.interrupted) return new Promise<never>(() => {});
    cleanUp();
    throw err;
  }
}

/** Resolves after a whole turn of the event loop, in which signals already received are delivered. */
async function oneTurnOfTheEventLoop(): Promise<void> {
  // the first immediate may run in this turn's check phase, before the next poll reads the signal
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
}

interface ResolvedRef {
  readonly ref: string;
  readonly sha: string;
  /** The repository's top folder. */
  readonly root: string;
  /** The inventory's path within it. */
  readonly inventory: string;
}

/**
 * Whether `spec` names a folder or a ref: `./`, `../` or `/` first is a folder, `refs/` first a
 * ref; a name that is both an existing path and a commit of the inventory's repository is refused.
 */
function judge(spec: string, inventoryPath: string): { folder: string } | { ref: ResolvedRef } {
  if (/^\.\.?(\/|$)/.test(spec) || isAbsolute(spec)) return { folder: spec };
  if (spec.startsWith('refs/') || !existsSync(spec)) return { ref: resolveRef(spec, inventoryPath) };
  const repo = repositoryOf(inventoryPath);
  const sha = repo ? commitOf(repo.root, spec) : null;
  if (!repo || !sha) return { folder: spec };
  const full = git(repo.root, ['rev-parse', '--symbolic-full-name', spec]).stdout.trim();
  const [what, name] = full.startsWith('refs/')
    ? [full.startsWith('refs/heads/') ? 'branch' : full.startsWith('refs/tags/') ? 'tag' : 'ref', full]
    : ['commit', sha === spec ? `${sha}^{commit}` : sha];
  throw new AuditInputError(
    `${spec}: ambiguous, both a folder here and a ${what} of ${repo.root}; say which: ./${spec} (or its absolute path) for the folder, ${name} for the ${what}`,
  );
}

/** The top folder of the git repository holding `inventoryPath`, and the inventory's path in it; null outside one. */
function repositoryOf(inventoryPath: string): { root: string; inventory: string } | null {
  if (!existsSync(inventoryPath)) return null;
  const inventory = realpathSync(resolve(inventoryPath));
  const top = git(dirname(inventory), ['rev-parse', '--show-toplevel']);
  if (top.error || top.status !== 0) return null;
  const root = top.stdout.trim();
  return { root, inventory: relative(root, inventory) };
}

/** The commit `ref` names in the repository at `root`, or null. */
function commitOf(root: string, ref: string): string | null {
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return commit.status === 0 ? commit.stdout.trim() : null;
}

/** The commit `ref` names in the repository holding `inventory`. */
function resolveRef(ref: string, inventoryPath: string): ResolvedRef {
  const repo = repositoryOf(inventoryPath);
  if (!repo)
    throw new AuditInputError(
      `${ref}: no such folder, and ${inventoryPath} is not in a git repository to read a ref from; give two synth output folders or two refs of the inventory's repository`,
    );
  const sha = commitOf(repo.root, ref);
  if (!sha)
    throw new AuditInputError(
      `${ref}: neither a synth output folder (no ${MANIFEST_FILE}) nor a commit of ${repo.root} (git rev-parse found none)`,
    );
  return { ref, sha, ...repo };
}

/** Whether `path` is `folder` or inside it (both absolute, links resolved). */
const isWithin = (path: string, folder: string) => {
  const r = relative(folder, path);
  return r === '' || (r.split(sep)[0] !== '..' && !isAbsolute(r));
};

/** `path` with its links resolved as far as it exists (the rest, not made yet, as written). */
function realPathOf(path: string): string {
  const rest: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...rest.reverse());
    } catch {
      if (dirname(at) === at) return resolve(path);
      rest.push(basename(at));
    }
  }
}

async function synthesizeRef(
  { ref, sha, root, inventory }: ResolvedRef,
  options: { readonly cache: string | false; readonly progress: (line: string) => void },
  made: Made,
): Promise<OutputSide> {
  const temp = mkdtempSync(join(tmpdir(), 'citycloud-diff-'));
  made.temps.push(temp);
  made.undo.push({ what: 'folder', run: () => rmSync(temp, { recursive: true, force: true }) });
  const tree = join(temp, 'worktree');
  const add = git(root, worktreeAddArgs(tree, sha));
  // registered before it is checked: a worktree add that failed half-way is removed too
  made.undo.push({
    what: 'worktree',
    run: () => {
      git(root, ['worktree', 'remove', '--force', tree]);
      git(root, ['worktree', 'prune']);
    },
  });
  if (add.status !== 0)
    throw new AuditInputError(`${ref}: git worktree add failed: ${add.stderr.trim().split('\n').at(-1)}`);
  const inTree = join(tree, inventory);
  if (!existsSync(inTree))
    throw new AuditInputError(`${ref}: ${inventory} does not exist at ${sha.slice(0, 12)}`);
  const real = realpathSync(inTree);
  if (!isWithin(real, realpathSync(tree)))
    throw new AuditInputError(
      `${ref}: ${inventory} at ${sha.slice(0, 12)} is a symbolic link leading out of the repository (to ${real}); refused: a ref's inventory must be a file of that ref`,
    );
  // the ref's own files are the change under review: its synth reads no cache from among them
  const cache = options.cache ? realPathOf(options.cache) : false;
  const cacheInside = cache !== false && made.temps.some((t) => isWithin(cache, realPathOf(t)));
  if (cacheInside)
    options.progress(
      `${ref}: the synth cache ${cache} is inside a temporary worktree; synthesizing without it`,
    );
  const out = join(temp, 'out');
  options.progress(`synthesizing ${ref} (${sha.slice(0, 12)}) in a temporary worktree…`);
  const r = await runChild(
    ref,
    [
      fromRoot('bin/citycloud.mjs'),
      'synth',
      '--inventory',
      inTree,
      '--out',
      out,
      ...(cache && !cacheInside ? ['--cache', cache] : ['--no-cache']),
    ],
    made,
  );
  if (r.code !== 0) {
    const said = r.output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => l.replaceAll(tree, `${ref}:`));
    throw new AuditInputError(
      `${ref}: its inventory does not synthesize (exit ${r.code ?? r.signal}): ${said.find((l) => /error|✗/.test(l)) ?? said.at(-1) ?? 'no message'}`,
    );
  }
  return openOutput(out, `${ref} (${sha.slice(0, 12)})`);
}

/**
 * Runs this citycloud with `args`, kept in `made.running` while it runs. After an interrupt the
 * promise never settles: the interrupt handler ends the process once it has cleaned up.
 */
function runChild(
  ref: string,
  args: readonly string[],
  made: Made,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((settle, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    made.running.set(child, ref);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      made.running.delete(child);
      if (!made.interrupted)
        fail(new AuditInputError(`${ref}: its synth could not be started: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      made.running.delete(child);
      if (!made.interrupted) settle({ code, signal, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Stops a synth: SIGTERM (it ends between two steps), SIGKILL if it has not ended after STOP_GRACE_MS. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise<void>((done) => child.once('exit', () => done()));
  const within = (ms: number) =>
    Promise.race([
      ended.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  child.kill('SIGTERM');
  if (await within(STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await within(STOP_GRACE_MS);
}
