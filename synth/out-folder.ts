/**
 * Which folders synth may replace. It replaces its output whole, so it must only ever replace a
 * folder it wrote itself: absent, empty, or holding citycloud's own manifest — never the root, the
 * folder the user works in, the inventory, or a folder inside another citycloud output (whose next
 * synth would delete it, Terraform state and all).
 */

import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, parse, relative, resolve } from 'node:path';
import { UserError } from '../model/index.ts';
import { LOCAL_STATE_DIR } from '../stacks/local-state.ts';
import { MANIFEST_FILE, MANIFEST_FORMATS } from './manifest.ts';

/** The output folder cannot be used; the message says why and what to do. */
export class OutFolderError extends UserError {
  /** Exit 2: bad usage. */
  readonly exitCode = 2;
}

/** True when `path` is `dir` or inside it. */
const within = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Whether `dir` holds a manifest citycloud wrote: 'ours', 'none', or why the manifest found there
 * is someone else's (a web app's, a cdk.out's).
 */
export function manifestKind(dir: string): 'ours' | 'none' | { readonly foreign: string } {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return 'none';
  let format: unknown;
  try {
    if (!lstatSync(file).isFile()) return { foreign: `its ${MANIFEST_FILE} is not a file` };
    format = (JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown } | null)?.format;
  } catch {
    return { foreign: `its ${MANIFEST_FILE} is not JSON` };
  }
  if (typeof format === 'string' && (MANIFEST_FORMATS as readonly string[]).includes(format)) return 'ours';
  return {
    foreign:
      format === undefined
        ? `its ${MANIFEST_FILE} has no "format" field`
        : `its ${MANIFEST_FILE} is of format ${JSON.stringify(format).slice(0, 60)}, not ${MANIFEST_FORMATS.join(' or ')}`,
  };
}

/** Refuses an output folder synth must not replace; `keep` are files (the inventory) it must not hold. */
export function checkOutFolder(outDir: string, keep: readonly string[] = []): void {
  const abs = resolve(outDir);
  const refuse = (why: string, hint = 'choose another --out, such as out/') => {
    throw new OutFolderError(`${outDir}: ${why}; ${hint}`);
  };
  if (abs === parse(abs).root) refuse('is the root of the file system, which synth would replace whole');
  if (basename(abs) === LOCAL_STATE_DIR)
    refuse(
      `is where the stacks' local Terraform state lives (${LOCAL_STATE_DIR}/ beside the output), which synth would replace whole`,
    );
  if (within(abs, process.cwd()))
    refuse('holds the folder you are working in, which synth would replace whole');
  for (const file of keep)
    if (within(abs, resolve(file))) refuse(`holds the inventory file ${file}, which synth would delete`);
  for (let up = dirname(abs); ; up = dirname(up)) {
    if (manifestKind(up) === 'ours')
      refuse(
        `is inside ${relative(process.cwd(), up) || '.'}, another citycloud output, whose next synth would delete it`,
        'choose a folder outside every output',
      );
    if (up === dirname(up)) break;
  }
  if (!existsSync(abs)) return;
  if (!lstatSync(abs).isDirectory())
    refuse('is not a folder', 'expected an output folder or a path that does not exist');
  if (readdirSync(abs).length === 0) return;
  const kind = manifestKind(abs);
  if (kind === 'ours') return;
  refuse(
    kind === 'none'
      ? `holds files but no ${MANIFEST_FILE}, so it is not a citycloud output and synth will not replace it`
      : `${kind.foreign}, so it is not a citycloud output and synth will not replace it`,
    'expected an empty folder or a previous output (choose another --out)',
  );
}
