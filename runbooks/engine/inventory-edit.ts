/**
 * Edits of the inventory's YAML through the yaml package's Document API (comments and layout
 * kept), written only when the whole inventory still validates: the capacity review's proposal
 * (`--apply`) and a runbook's `inventory.edit` go through here.
 *
 * Written whole or not at all, each file only if it still holds the bytes the edit was made
 * from: an edit never overwrites a change made meanwhile (by hand, or by another run).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { type Document, isMap, isSeq, type YAMLSeq } from 'yaml';
import { writeWhole } from '../../exec/atomic-file.ts';
import {
  type CityLoad,
  type Finding,
  hasErrors,
  type InventorySources,
  loadCity,
  UserError,
} from '../../model/index.ts';

export type YamlScalar = string | number | boolean;

export interface InventoryEdit {
  /** The file, relative to the root inventory file's folder. */
  readonly file: string;
  readonly yamlPath: readonly (string | number)[];
  /**
   * `append`: a flow mapping (or scalar) to the sequence at the path, made when missing;
   * `set`: the value at the path; `remove`: the items of the sequence at the path whose fields
   * equal `match`'s (the sequence too, when that empties it).
   */
  readonly op: 'append' | 'set' | 'remove';
  readonly value?: unknown;
  readonly match?: Readonly<Record<string, YamlScalar>>;
}

/** The edited files: each one's text before and after, by its path relative to the inventory. */
export type EditedFiles = ReadonlyMap<string, { readonly before: string; readonly after: string }>;

/** An edit that cannot be made, or whose result does not validate (exit 1: nothing was written). */
export class InventoryEditRefused extends UserError {
  readonly exitCode = 1;
  constructor(
    message: string,
    /** The errors the edited inventory has, when that is why. */
    readonly findings: readonly Finding[] = [],
  ) {
    super(message);
  }
}

/** The sequence item's fields equal `match`'s. */
const matches = (item: unknown, match: Readonly<Record<string, YamlScalar>>) =>
  isMap(item) && Object.entries(match).every(([k, v]) => item.get(k) === v);

function applyEdit(doc: Document, e: InventoryEdit): void {
  const node = (v: unknown) => (typeof v === 'object' && v !== null ? doc.createNode(v, { flow: true }) : v);
  if (e.op === 'set') doc.setIn(e.yamlPath, node(e.value));
  else if (e.op === 'append') {
    const seq = doc.getIn(e.yamlPath, true);
    if (seq === undefined || seq === null) {
      const made = doc.createNode([]) as YAMLSeq;
      made.add(node(e.value));
      doc.setIn(e.yamlPath, made);
    } else if (!isSeq(seq))
      throw new InventoryEditRefused(`${e.file}: ${e.yamlPath.join('.')} is not a list`);
    else seq.add(node(e.value));
  } else {
    const seq = doc.getIn(e.yamlPath, true);
    if (!isSeq(seq)) throw new InventoryEditRefused(`${e.file}: ${e.yamlPath.join('.')} is not a list`);
    const match = e.match ?? {};
    seq.items = seq.items.filter((item) => !matches(item, match));
    // a list emptied is as if never written: the file reads as it did before the first append
    if (seq.items.length === 0) doc.deleteIn(e.yamlPath);
  }
}

/** The files as the edits leave them, in their own byte-order mark and line endings. */
export function editedFiles(
  edits: readonly InventoryEdit[],
  read: (file: string) => { readonly text: string; readonly doc: Document.Parsed },
): EditedFiles {
  const docs = new Map<string, { before: string; doc: Document }>();
  for (const e of edits) {
    let entry = docs.get(e.file);
    if (!entry) {
      const { text, doc } = read(e.file);
      entry = { before: text, doc: doc.clone() };
      docs.set(e.file, entry);
    }
    applyEdit(entry.doc, e);
  }
  return new Map(
    [...docs].map(([file, { before, doc }]) => [
      file,
      { before, after: inStyleOf(before, doc.toString({ lineWidth: 0, flowCollectionPadding: false })) },
    ]),
  );
}

/**
 * The printed YAML with the file's own byte-order mark and line endings (the inventory reader
 * accepts both; the printer writes neither), so only the edited lines differ.
 */
function inStyleOf(before: string, printed: string): string {
  const bom = before.startsWith('\uFEFF') && !printed.startsWith('\uFEFF') ? '\uFEFF' : '';
  return bom + (before.includes('\r\n') ? printed.replace(/\r?\n/g, '\r\n') : printed);
}

/**
 * Each file's text and parsed document as the inventory was read (`sources`): the text is the
 * one the document was parsed from (same SHA-256), or the edit is refused — a change made since
 * would be lost by printing the older document over it.
 */
export const readerOf =
  (inventory: string, sources: InventorySources) =>
  (file: string): { text: string; doc: Document.Parsed } => {
    const source = sources.files.find((f) => f.relativePath === file);
    if (!source) throw new InventoryEditRefused(`${file} is not a file of the inventory`);
    const path = join(dirname(resolve(inventory)), file);
    const bytes = readFileSync(path);
    if (createHash('sha256').update(bytes).digest('hex') !== source.sha256)
      throw new InventoryEditRefused(`${path} changed since it was read; nothing was written: run it again`);
    return { text: bytes.toString('utf8'), doc: source.doc };
  };

/**
 * Writes the edited files when the whole inventory, edited, has no error (checked in a copy);
 * throws InventoryEditRefused otherwise, with the errors, writing nothing. A file that no longer
 * holds the text the edit was made from is refused too: it changed meanwhile.
 */
export function commitEdits(
  inventory: string,
  edited: EditedFiles,
  /** The files the inventory was read from (loadCity's `inputs`): read again when not given. */
  inputs: CityLoad['inputs'] = loadCity(inventory).inputs,
): string[] {
  const root = dirname(resolve(inventory));
  const copy = mkdtempSync(join(tmpdir(), 'citycloud-edit-'));
  try {
    // the files the inventory is read from (its own and its companions), as plain files: a link
    // in the folder is never followed by a write into the copy, and nothing else is copied
    const into = (file: string) => {
      const to = join(copy, file);
      if (relative(copy, to).startsWith('..'))
        throw new InventoryEditRefused(
          `${file} is outside the inventory's folder; it cannot be checked edited`,
        );
      mkdirSync(dirname(to), { recursive: true });
      return to;
    };
    for (const input of inputs)
      if (!edited.has(input.path)) writeFileSync(into(input.path), readFileSync(join(root, input.path)));
    for (const [file, { after }] of edited) writeFileSync(into(file), after);
    const check = loadCity(join(copy, relative(root, resolve(inventory))));
    if (!check.model || hasErrors(check.findings))
      throw new InventoryEditRefused(
        'the edited inventory does not validate; it was left as it was',
        // located in the inventory, not in the copy they were found in
        check.findings
          .filter((f) => f.level === 'error')
          .map((f) => ({
            ...f,
            location: {
              ...f.location,
              file: f.location.file.startsWith(copy)
                ? root + f.location.file.slice(copy.length)
                : f.location.file,
            },
          })),
      );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  for (const [file, { before }] of edited)
    if (readFileSync(join(root, file), 'utf8') !== before)
      throw new InventoryEditRefused(
        `${join(root, file)} changed while it was being edited; nothing was written: run it again`,
      );
  // the file itself, where a link in the folder leads: the link stays
  for (const [file, { after }] of edited) writeWhole(realpathSync(join(root, file)), after);
  return [...edited.keys()].map((f) => join(root, f));
}
