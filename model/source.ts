/**
 * Where things were written: the parsed inventory files, with line counters, and the map from
 * model paths back to the YAML they were expanded from.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { parentPath, type YamlPath } from './model-path.ts';

export interface Location {
  /** The file as the user named it (relative to the working folder where possible). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface SourceFile {
  /** Display path. */
  readonly file: string;
  /** Path relative to the root file's folder, as recorded in the manifest. */
  readonly relativePath: string;
  readonly sha256: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** A mapping's pairs by key, built once per mapping: a lookup per finding must not scan the mapping. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items as Pair[])
      if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    pairIndex.set(map, index);
  }
  return index.get(key);
}

/** The inventory's files, which file holds each section, and where each model object came from. */
export class InventorySources {
  // origins are recorded as a list and indexed on the first lookup: a valid city never looks one up
  private readonly recorded: (string | YamlPath)[] = [];
  private origins: Map<string, YamlPath> | null = null;

  constructor(
    readonly root: SourceFile,
    readonly files: readonly SourceFile[],
    private readonly sectionFiles: ReadonlyMap<string, SourceFile>,
  ) {}

  /** The file (relative to the root file's folder) that holds a top-level section. */
  fileOf(section: string): string {
    return (this.sectionFiles.get(section) ?? this.root).relativePath;
  }

  /** Records that the object at `modelPath` was expanded from the YAML at `yamlPath`. */
  register(modelPath: string, yamlPath: YamlPath): void {
    this.recorded.push(modelPath, yamlPath);
    this.origins = null;
  }

  private originsByPath(): Map<string, YamlPath> {
    if (!this.origins) {
      this.origins = new Map();
      for (let i = 0; i < this.recorded.length; i += 2)
        this.origins.set(this.recorded[i] as string, this.recorded[i + 1] as YamlPath);
    }
    return this.origins;
  }

  /**
   * Where the value at a YAML path was written. With `key`, where that key of the mapping was
   * written: its key (for an unknown key) or its value (for a wrong value).
   */
  locate(yamlPath: YamlPath, key?: string, point: 'key' | 'value' = 'key'): Location {
    const first = yamlPath[0] ?? key;
    const source = (first !== undefined && this.sectionFiles.get(String(first))) || this.root;
    let node: Node | null = source.doc.contents;
    let at: Node | null = node;
    const steps = key === undefined ? yamlPath : [...yamlPath, key];
    for (let i = 0; i < steps.length && node; i++) {
      const seg = steps[i];
      at = node;
      if (isMap(node)) {
        const pair = pairOf(node, String(seg));
        if (!pair) break;
        const isLast = i === steps.length - 1;
        node = (isLast && key !== undefined && point === 'key' ? pair.key : pair.value) as Node | null;
        if (node) at = node;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = (node.items[seg] as Node | undefined) ?? null;
        if (node) at = node;
      } else {
        break;
      }
    }
    const offset = at?.range?.[0] ?? 0;
    const pos = source.lines.linePos(offset);
    return { file: source.file, line: pos.line, column: pos.col };
  }

  /**
   * The file and YAML path a model object was expanded from (null when it has none of its own),
   * for the tools that propose edits to the inventory.
   */
  originOf(modelPath: string): { readonly source: SourceFile; readonly yamlPath: YamlPath } | null {
    const yamlPath = this.originsByPath().get(modelPath);
    if (!yamlPath) return null;
    const first = yamlPath[0];
    return { source: (first !== undefined && this.sectionFiles.get(String(first))) || this.root, yamlPath };
  }

  /** Where a model object (or one of its fields) was written; falls back to the nearest parent. */
  locateModel(modelPath: string, field?: string): Location {
    const origins = this.originsByPath();
    for (let p = modelPath; p !== ''; p = parentPath(p)) {
      const origin = origins.get(p);
      if (origin) return this.locate(origin, p === modelPath ? field : undefined, 'value');
    }
    return this.locate([]);
  }
}
