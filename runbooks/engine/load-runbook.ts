/**
 * Finds and loads a runbook: one built into citycloud by name, or an ops team's own from the
 * inventory's repository (`runbooks/NAME.ts` beside the root inventory file, or a path). An own
 * runbook is one TypeScript file that imports only `node:` modules at run time (types from
 * anywhere: `$`, the parameters and the model come through its context). It is compiled from the
 * very bytes its digest is made of — so a file changed while it loads is not what runs, and no
 * module planted beside it is imported — and checked (runbook-spec.ts) before anything runs; a
 * run journals the digest, and a resume compares it before it loads anything.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { type Runbook, specProblem } from './runbook-spec.ts';
import { RunbookInputError } from './spec-runbook.ts';

export interface LoadedRunbook {
  readonly spec: Runbook;
  /** The file it was loaded from, and the SHA-256 of its bytes; absent for a built-in one. */
  readonly file?: string;
  readonly source?: string;
}

/** The folder of an inventory's own runbooks: `runbooks/` beside its root file. */
export const ownRunbooksDir = (inventory: string): string => join(dirname(resolve(inventory)), 'runbooks');

/** A runbook file's bytes and their SHA-256, read once: what is checked is what is loaded. */
export function readRunbookFile(file: string): { bytes: Buffer; source: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new RunbookInputError(
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return { bytes, source: createHash('sha256').update(bytes).digest('hex') };
}

/** Only `node:` modules are imported at run time; anything else is refused at its line. */
const nodeModulesOnly: Plugin = {
  name: 'node-modules-only',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (a) =>
      a.path.startsWith('node:')
        ? { path: a.path, external: true }
        : {
            errors: [
              {
                text: `it imports ${JSON.stringify(a.path)} at run time: a runbook imports only node: modules (types from anywhere, with import type); $, its parameters and the model come through its context`,
              },
            ],
          },
    );
  },
};

/**
 * Loads a runbook from its bytes (readRunbookFile), checked; one line (exit 2) when it does not
 * load or is not one. It is compiled from those bytes alone (esbuild, nothing else imported but
 * `node:` modules) and imported from a private copy.
 */
export async function loadRunbookBytes(
  file: string,
  read: { bytes: Buffer; source: string },
): Promise<LoadedRunbook> {
  let code: string;
  try {
    const out = await build({
      stdin: {
        contents: read.bytes.toString('utf8'),
        loader: 'ts',
        sourcefile: file,
        resolveDir: dirname(resolve(file)),
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [nodeModulesOnly],
    });
    code = (out.outputFiles[0] as { text: string }).text;
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { line: number } | null }[] }).errors?.[0];
    throw new RunbookInputError(
      first
        ? `${file}${first.location ? `:${first.location.line}` : ''}: it does not load: ${first.text}`
        : `${file}: it does not load: ${String((err as Error).message).split('\n')[0]}`,
    );
  }
  const copy = mkdtempSync(join(tmpdir(), 'citycloud-runbook-'));
  let loaded: unknown;
  let problem: string | null;
  try {
    const at = join(copy, 'runbook.mjs');
    writeFileSync(at, code, { mode: 0o600 });
    loaded = ((await import(pathToFileURL(at).href)) as { default?: unknown }).default;
    problem = specProblem(loaded);
  } catch (err) {
    const first = String((err as Error)?.message ?? err).split('\n')[0];
    throw new RunbookInputError(`${file}: it does not load: ${first}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  if (problem) throw new RunbookInputError(`${file}: ${problem}`);
  return { spec: loaded as Runbook, file, source: read.source };
}

/** Loads the runbook in `file`, checked (readRunbookFile, loadRunbookBytes). */
export const loadRunbookFile = (file: string): Promise<LoadedRunbook> =>
  loadRunbookBytes(file, readRunbookFile(file));

/** The own runbooks' files of an inventory, by name. */
export function ownRunbooks(inventory: string): Map<string, string> {
  const dir = ownRunbooksDir(inventory);
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f))
      .sort()
      .map((f) => [f.slice(0, -3), join(dir, f)]),
  );
}

/**
 * The runbook a command line names: a path to a `.ts` file, or a name — one of the inventory's
 * own (which may not take a built-in one's name) or a built-in one.
 */
export async function findRunbook(
  what: string,
  inventory: string,
  builtIn: ReadonlyMap<string, Runbook>,
): Promise<LoadedRunbook> {
  if (what.endsWith('.ts') || what.includes('/')) return loadRunbookFile(what);
  const own = ownRunbooks(inventory).get(what);
  if (own && builtIn.has(what))
    throw new RunbookInputError(
      `${own}: runbook ${what} is built into citycloud; name the inventory's own runbook otherwise`,
    );
  if (own) {
    const loaded = await loadRunbookFile(own);
    // run ids, the journal and a resume go by the runbook's name: the file is named as it is
    if (loaded.spec.name !== what)
      throw new RunbookInputError(
        `${own}: it is runbook ${loaded.spec.name}; name its file ${loaded.spec.name}.ts`,
      );
    return loaded;
  }
  const spec = builtIn.get(what);
  if (spec) return { spec };
  const known = [...builtIn.keys(), ...ownRunbooks(inventory).keys()].sort();
  throw new RunbookInputError(
    `no runbook ${JSON.stringify(what)}: expected a .ts file or one of ${known.join(', ') || '(none)'} (citycloud runbook list)`,
  );
}
