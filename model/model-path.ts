/**
 * Model paths name an object the way the inventory does: `datacentre.halls[h1].rows[r03]`.
 * A list item is keyed by its id (or the field that identifies it), never by its position,
 * so a path stays valid when items are added or reordered.
 */

/** A path into the parsed YAML: keys and list positions. */
export type YamlPath = readonly (string | number)[];

/** The key that names a list item in a model path. */
export function itemKey(item: unknown, index: number): string {
  if (item !== null && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    for (const field of ['id', 'code']) {
      const v = o[field];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    // a server range is named like its first server
    if (typeof o.u === 'number') return `u${String(o.u).padStart(2, '0')}`;
    for (const field of ['agency', 'pool', 'to']) {
      const v = o[field];
      if (typeof v === 'string') return v;
    }
  }
  return String(index);
}

/** The model path of a YAML path, read against the raw inventory it points into. */
export function modelPathOf(raw: unknown, yamlPath: YamlPath): string {
  let out = '';
  let node: unknown = raw;
  for (const seg of yamlPath) {
    if (typeof seg === 'number' && Array.isArray(node)) {
      out += `[${itemKey(node[seg], seg)}]`;
      node = node[seg];
    } else {
      out += out === '' ? String(seg) : `.${String(seg)}`;
      node =
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[String(seg)]
          : undefined;
    }
  }
  return out === '' ? '(top level)' : out;
}

/** The path one level up: `a.b[c]` → `a.b`, `a.b` → `a`; empty at the top. */
export function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}
