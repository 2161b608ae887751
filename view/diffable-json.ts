/**
 * JSON laid out for review: top-level sections and their lists one item per line, so that
 * adding a ward or a server changes exactly one line of the file.
 */

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function render(value: unknown, indent: string, depth: number): string {
  const inner = `${indent}  `;
  if (Array.isArray(value) && depth < 3 && value.some((v) => v !== null && typeof v === 'object')) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + JSON.stringify(v)).join(',\n')}\n${indent}]`;
  }
  if (isPlainObject(value) && depth < 2) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner, depth + 1)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Serializes `value` with one list item per line (two levels deep), ending with a newline. */
export function toDiffableJson(value: unknown): string {
  return `${render(value, '', 0)}\n`;
}
