/**
 * Finds and loads a runbook: one built into citycloud by name, or an ops team's own from the
 * inventory's repository (`runbooks/NAME.ts` beside the root inventory file, or a path). An own
 * runbook is one TypeScript file that imports nothing at run time (types only: `$`, the
 * parameters and the model come through its context). It is loaded from the very bytes its
 * digest is made of — a private copy, so a file changed while it loads is not what runs — and
 * checked (runbook-spec.ts) before anything runs; a run journals the digest, and a resume runs
 * only the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Loads the runbook in `file`, checked; one line (exit 2) when it does not load or is not one. */
export async function loadRunbookFile(file: string): Promise<LoadedRunbook> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new RunbookInputError(
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const source = createHash('sha256').update(bytes).digest('hex');
  const copy = mkdtempSync(join(tmpdir(), 'citycloud-runbook-'));
  let loaded: unknown;
  try {
    // .mts: an ES module whatever package.json is (or is not) around it
    const at = join(copy, `${basename(file).replace(/\.m?ts$/, '')}.mts`);
    writeFileSync(at, bytes, { mode: 0o600 });
    const { tsImport } = await import('tsx/esm/api');
    loaded = ((await tsImport(pathToFileURL(at).href, import.meta.url)) as { default?: unknown }).default;
  } catch (err) {
    const first =
      String((err as Error).message ?? err)
        .split('\n')
        .find((l) => l.trim()) ?? 'error';
    throw new RunbookInputError(`${file}: it does not load: ${first.replaceAll(copy, dirname(file))}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  const problem = specProblem(loaded);
  if (problem) throw new RunbookInputError(`${file}: ${problem}`);
  return { spec: loaded as Runbook, file, source };
}

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
  if (own) return loadRunbookFile(own);
  const spec = builtIn.get(what);
  if (spec) return { spec };
  const known = [...builtIn.keys(), ...ownRunbooks(inventory).keys()].sort();
  throw new RunbookInputError(
    `no runbook ${JSON.stringify(what)}: expected a .ts file or one of ${known.join(', ') || '(none)'} (citycloud runbook list)`,
  );
}
