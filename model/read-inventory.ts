/**
 * Reads the inventory: the root file and the files it includes, parsed with positions, merged
 * into one raw object. Everything that makes the input unusable is collected and thrown at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { type InputProblem, InventoryInputError } from './input-error.ts';
import { InventorySources, type SourceFile } from './source.ts';

/**
 * Parsed files kept by the digest of their bytes (the synth cache, say): a file read before gives
 * back its data without parsing, and its YAML document is parsed only if a finding needs a line
 * number. Only files that parsed cleanly are kept, so a hit is always what parsing would give.
 */
export interface InventoryParseCache {
  get(sha256: string): string | null;
  put(sha256: string, value: string): void;
}

/** A file whose document is parsed on first use. */
class LazySource implements SourceFile {
  private parsed: { doc: Document.Parsed; lines: LineCounter } | null = null;

  constructor(
    readonly file: string,
    readonly relativePath: string,
    readonly sha256: string,
    private readonly text: string,
  ) {}

  private get document() {
    if (!this.parsed) {
      const lines = new LineCounter();
      this.parsed = { doc: parseDocument(this.text, { lineCounter: lines, uniqueKeys: true }), lines };
    }
    return this.parsed;
  }

  get doc(): Document.Parsed {
    return this.document.doc;
  }

  get lines(): LineCounter {
    return this.document.lines;
  }
}

/** Aliases expanded per file before we call it an alias bomb; real inventories use a handful. */
export const MAX_ALIAS_COUNT = 100;

export interface RawInventory {
  /** The merged inventory as plain data, not yet checked against the schema. */
  readonly raw: Record<string, unknown>;
  readonly sources: InventorySources;
}

const EXPECTED_TOP = 'expected a mapping of inventory sections (apiVersion, city, include, datacentre, …)';

function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** The text of the scalar key that starts at `offset` (yaml reports duplicates by position). */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = String(pair.key.value);
        return visit.BREAK;
      }
    },
  });
  return found;
}

interface Parsed {
  readonly source: SourceFile;
  readonly data: Record<string, unknown>;
}

/** Reads and parses one file; returns problems instead of throwing so all files get reported. */
function parseFile(
  abs: string,
  rootDir: string,
  problems: InputProblem[],
  cache?: InventoryParseCache,
): Parsed | null {
  const file = displayPath(abs);
  let bytes: Buffer;
  try {
    if (statSync(abs).isDirectory()) {
      problems.push({ file, message: 'is a folder; expected a YAML inventory file such as city.yaml' });
      return null;
    }
    bytes = readFileSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : ((err as Error).message ?? String(err));
    problems.push({ file, message: `cannot read the inventory: ${why}; expected a readable YAML file` });
    return null;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    problems.push({ file, message: 'is not UTF-8 text; expected a YAML file' });
    return null;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const relativePath = relative(rootDir, abs).split('\\').join('/');
  const known = cache?.get(sha256);
  if (known)
    return {
      source: new LazySource(file, relativePath, sha256, text),
      data: deserialize(Buffer.from(known, 'base64')) as Record<string, unknown>,
    };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lines.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const message =
        e.code === 'DUPLICATE_KEY'
          ? `duplicate key "${keyAt(doc, e.pos[0]) ?? text.slice(e.pos[0], e.pos[1])}"; expected each key once in a mapping`
          : e.code === 'MULTIPLE_DOCS'
            ? 'holds more than one YAML document; expected a single document'
            : `not valid YAML: ${e.message}`;
      problems.push({ ...at(e.pos[0]), message });
    }
    return null;
  }
  if (doc.contents === null) {
    problems.push({ file, line: 1, column: 1, message: `is empty; ${EXPECTED_TOP}` });
    return null;
  }
  if (!isMap(doc.contents)) {
    const what = isSeq(doc.contents) ? 'a list' : 'a single value';
    problems.push({
      ...at(doc.contents.range?.[0] ?? 0),
      message: `the top level is ${what}; ${EXPECTED_TOP}`,
    });
    return null;
  }
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let first = 0;
    visit(doc, {
      Alias(_, node) {
        first = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    problems.push({
      ...at(first),
      message: `aliases expand to more than ${MAX_ALIAS_COUNT} copies (a YAML alias bomb); expected plain data or a few aliases`,
    });
    return null;
  }
  cache?.put(sha256, serialize(data).toString('base64'));
  return { source: { file, relativePath, sha256, doc, lines }, data };
}

/** Reads the root inventory file and its includes; throws InventoryInputError with every problem. */
export function readInventory(path: string, cache?: InventoryParseCache): RawInventory {
  const problems: InputProblem[] = [];
  const rootAbs = resolve(path);
  const rootDir = dirname(rootAbs);
  const root = parseFile(rootAbs, rootDir, problems, cache);
  if (!root) throw new InventoryInputError(problems);

  const raw: Record<string, unknown> = { ...root.data };
  const files: SourceFile[] = [root.source];
  const sectionFiles = new Map<string, SourceFile>();
  // where each section is defined, looked up only when a second definition needs saying
  const definedIn = new Map<string, SourceFile>();
  const definedAt = (key: string) => {
    const loc = keyLine(definedIn.get(key) as SourceFile, key);
    return `${loc.file}:${loc.line}`;
  };
  const keyLine = (s: SourceFile, key: string) => {
    const pair = isMap(s.doc.contents)
      ? s.doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key)
      : undefined;
    const pos = s.lines.linePos((pair?.key as { range?: [number] } | undefined)?.range?.[0] ?? 0);
    return { file: s.file, line: pos.line, column: pos.col };
  };
  for (const key of Object.keys(root.data)) definedIn.set(key, root.source);

  const include = root.data.include;
  if (include !== undefined) {
    const entries = () => {
      const rootMap = root.source.doc.contents;
      const includeNode = isMap(rootMap) ? rootMap.get('include', true) : undefined;
      return isSeq(includeNode) ? includeNode.items : [];
    };
    if (!Array.isArray(include) || !include.every((f) => typeof f === 'string')) {
      problems.push({
        ...keyLine(root.source, 'include'),
        message: 'include must be a list of file names; expected e.g. include: [network.yaml, services.yaml]',
      });
    } else {
      include.forEach((name: string, i) => {
        const where = () => {
          const node = entries()[i] as { range?: [number] } | undefined;
          const pos = root.source.lines.linePos(node?.range?.[0] ?? 0);
          return { file: root.source.file, line: pos.line, column: pos.col };
        };
        const abs = resolve(rootDir, name);
        if (abs === rootAbs) {
          problems.push({
            ...where(),
            message: `include "${name}" names the root file itself; expected another file`,
          });
          return;
        }
        const before = problems.length;
        const parsed = parseFile(abs, rootDir, problems, cache);
        if (!parsed) {
          // say which include line brought the unreadable file in
          for (let p = before; p < problems.length; p++) {
            const prob = problems[p] as InputProblem;
            if (prob.line === undefined)
              problems[p] = { ...where(), message: `include "${name}": ${prob.message}` };
          }
          return;
        }
        files.push(parsed.source);
        for (const [key, value] of Object.entries(parsed.data)) {
          if (key === 'include' || key === 'apiVersion') {
            problems.push({
              ...keyLine(parsed.source, key),
              message: `"${key}" belongs in the root file only; expected inventory sections`,
            });
          } else if (definedIn.has(key)) {
            problems.push({
              ...keyLine(parsed.source, key),
              message: `section "${key}" is already defined at ${definedAt(key)}; expected each section in one file`,
            });
          } else {
            definedIn.set(key, parsed.source);
            sectionFiles.set(key, parsed.source);
            raw[key] = value;
          }
        }
      });
    }
  }
  if (problems.length > 0) throw new InventoryInputError(problems);
  return { raw, sources: new InventorySources(root.source, files, sectionFiles) };
}
