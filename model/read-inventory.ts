/**
 * Reads the inventory: the root file and the files it includes, parsed with positions, merged
 * into one raw object. Everything that makes the input unusable is collected and thrown at once.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { type Document, isMap, isSeq, type LineCounter, visit } from 'yaml';
import { type InputProblem, InventoryInputError } from './input-error.ts';
import { MAX_PROBLEMS_PER_FILE, parseYaml } from './parse-yaml.ts';
import { quote } from './quote.ts';
import { readInventoryFile } from './read-file.ts';
import { InventorySources, pairOf, type SourceFile } from './source.ts';

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
      // the text parsed cleanly when it was cached, so there is a document
      const { doc, lines } = parseYaml(this.text);
      this.parsed = { doc: doc as Document.Parsed, lines };
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

export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** Why the include at `abs` is not a file under the inventory's folder (links followed), or null. */
export function outsideOf(rootDir: string, realRootDir: string, abs: string): string | null {
  const inside = (dir: string, path: string) => {
    const rel = relative(dir, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  if (!inside(rootDir, abs)) return "is outside the inventory's folder";
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return null; // missing: parseFile says so
  }
  return inside(realRootDir, real) ? null : "leads through a symbolic link outside the inventory's folder";
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
  const read = readInventoryFile(abs);
  if ('problem' in read) {
    problems.push({ file, message: read.problem });
    return null;
  }
  const bytes = read.bytes;
  let text: string;
  try {
    // a byte-order mark is dropped (ignoreBOM: false), as editors on Windows write one
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
  const parsed = parseYaml(text);
  const at = (offset: number) => {
    const pos = parsed.lines.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  if (parsed.doc === null) {
    const shown = parsed.problems.slice(0, MAX_PROBLEMS_PER_FILE);
    for (const p of shown) problems.push({ ...at(p.offset), message: p.message });
    const more = parsed.problems.length - shown.length;
    if (more > 0)
      problems.push({
        file,
        message: `and ${more.toLocaleString('en-US')} more problems of this file not shown; expected a YAML inventory file`,
      });
    return null;
  }
  const doc = parsed.doc;
  const lines = parsed.lines;
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
  // includes must stay in the root file's folder, symbolic links followed
  const realRootDir = realpathSync(rootDir);

  // no prototype: no key of a file can reach Object.prototype (parseYaml refuses __proto__ too)
  const raw: Record<string, unknown> = Object.assign(Object.create(null), root.data);
  const files: SourceFile[] = [root.source];
  const sectionFiles = new Map<string, SourceFile>();
  // where each section is defined, looked up only when a second definition needs saying
  const definedIn = new Map<string, SourceFile>();
  const definedAt = (key: string) => {
    const loc = keyLine(definedIn.get(key) as SourceFile, key);
    return `${loc.file}:${loc.line}`;
  };
  const keyLine = (s: SourceFile, key: string) => {
    const pair = isMap(s.doc.contents) ? pairOf(s.doc.contents, key) : undefined;
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
            message: `include ${quote(name)} names the root file itself; expected another file`,
          });
          return;
        }
        const outside = outsideOf(rootDir, realRootDir, abs);
        if (outside) {
          problems.push({
            ...where(),
            message: `include ${quote(name)} ${outside} ${displayPath(rootDir)}; expected a file in the inventory's folder or below it`,
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
              problems[p] = { ...where(), message: `include ${quote(name)}: ${prob.message}` };
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
