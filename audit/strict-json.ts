/**
 * JSON as Terraform reads it, not as JavaScript does: a key written twice in one object is kept
 * once by `JSON.parse` (the last wins), while Terraform's JSON syntax reads two blocks of that name
 * (or refuses an argument given twice). A stack with a key twice would be read one way by the diff
 * and another by the tool that applies it, so it is refused, naming the key and where it is.
 */

import { visit } from 'jsonc-parser';
import { UserError } from '../model/index.ts';

/** A key given twice in one object: the reader must refuse the file. */
export class DuplicateKeyError extends UserError {
  /** Exit 2: unreadable input. */
  readonly exitCode = 2;
  constructor(
    readonly key: string,
    readonly path: string,
  ) {
    super(`the key ${JSON.stringify(key.slice(0, 60))} is given twice in ${path || 'the top-level object'}`);
  }
}

/** Where the first key given twice in `text` is, or null (the text is assumed to parse). */
export function duplicateKey(text: string): DuplicateKeyError | null {
  const seen: Set<string>[] = [];
  const path: (string | number)[] = [];
  let found: DuplicateKeyError | null = null;
  visit(text, {
    onObjectBegin: () => {
      seen.push(new Set());
      return !found;
    },
    onObjectEnd: () => {
      seen.pop();
    },
    onObjectProperty: (key, _offset, _length, _line, _column, pathSupplier) => {
      const keys = seen.at(-1) as Set<string>;
      if (keys.has(key) && !found) {
        path.splice(0, path.length, ...pathSupplier());
        found = new DuplicateKeyError(key, path.map(String).join('.'));
      }
      keys.add(key);
    },
  });
  return found;
}

/** A string followed by a colon: in JSON that parses, only an object's key is. */
const KEY = /"(?:[^"\\]|\\.)*"\s*:/g;

/** The keys of every object in a parsed value. */
function keysIn(value: unknown): number {
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += keysIn(v);
    return n;
  }
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  for (const v of Object.values(value)) n += 1 + keysIn(v);
  return n;
}

/**
 * `JSON.parse`, refusing a key given twice (DuplicateKeyError). The keys written are counted in
 * one native scan and compared with the keys parsed; only when they differ is the text walked to
 * say which key it is.
 */
export function parseStrictJson(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if ((text.match(KEY)?.length ?? 0) !== keysIn(value)) {
    const duplicate = duplicateKey(text);
    if (duplicate) throw duplicate;
  }
  return value;
}
