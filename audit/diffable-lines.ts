/**
 * Reading a file written by view/diffable-json.ts (one list item, or one member, per line) as
 * sections of keyed lines, so that two versions are compared section by section and line by line —
 * string comparisons — and only the items that differ are parsed. A 10x city's model is 8 MB:
 * parsing it whole on both sides costs more than every other part of the diff together.
 *
 * It works on the bytes: sections are found with byte searches for their indentation, compared
 * with byte comparisons, so a section that is the same in both files is compared in one call and
 * never split into lines; an item is decoded only when it is parsed or keyed.
 */

export interface Entry {
  /** Byte offsets of the item's JSON (without its trailing comma). */
  readonly start: number;
  readonly end: number;
}

interface Member {
  readonly name: string;
  /** A one-line value, or a section's body (the lines between its opening and closing lines). */
  readonly start: number;
  readonly end: number;
  readonly kind: 'value' | 'list' | 'object';
  /** The indentation of the section's own lines. */
  readonly indent: number;
}

export class DiffableFile {
  private readonly root: Member;
  private readonly memberCache = new Map<string, Map<string, Member>>();
  private readonly itemCache = new Map<string, Entry[]>();
  /** One-byte-per-character copies of the list sections whose items were read. */
  private readonly texts: { offset: number; text: string }[] = [];

  constructor(readonly bytes: Buffer) {
    const first = bytes[0];
    let last = bytes.length - 1;
    while (last > 0 && (bytes[last] === 10 || bytes[last] === 32)) last--;
    if ((first !== 123 && first !== 91) || bytes[1] !== 10) throw new Error('not a diffable JSON file');
    this.root = { name: '', start: 2, end: last, kind: first === 91 ? 'list' : 'object', indent: 2 };
  }

  /** The value's text as written, one character per byte (for keys and searches). */
  raw(e: Entry): string {
    const t = this.textOf(e);
    return t
      ? t.text.slice(e.start - t.offset, e.end - t.offset)
      : this.bytes.toString('latin1', e.start, e.end);
  }

  /** The one-byte-per-character copy of the list section holding `e`, if its items were read. */
  private textOf(e: Entry): { offset: number; text: string } | undefined {
    for (const t of this.texts) if (e.start >= t.offset && e.end <= t.offset + t.text.length) return t;
    return undefined;
  }

  /** Whether this file's entry is byte for byte `other`'s entry of `that` file. */
  same(e: Entry, that: DiffableFile, other: Entry): boolean {
    return (
      e.end - e.start === other.end - other.start &&
      this.bytes.compare(that.bytes, other.start, other.end, e.start, e.end) === 0
    );
  }

  /** The value, parsed (decoded as UTF-8 first). */
  parse(e: Entry): unknown {
    return JSON.parse(this.bytes.toString('utf8', e.start, e.end));
  }

  /** The text of the string member `"name":"…"` inside an entry, if it has one. */
  stringAfter(e: Entry, needle: string): string | undefined {
    const t = this.textOf(e) ?? { offset: e.start, text: this.raw(e) };
    const at = t.text.indexOf(needle, e.start - t.offset);
    if (at < 0 || at + t.offset >= e.end) return undefined;
    const from = at + needle.length;
    const to = t.text.indexOf('"', from);
    return to < 0 || to + t.offset > e.end ? undefined : t.text.slice(from, to);
  }

  /** The member (section or one-line value) at a dotted path, '' for the whole file. */
  member(path: string): Member | undefined {
    if (path === '') return this.root;
    const dot = path.lastIndexOf('.');
    const parentPath = dot < 0 ? '' : path.slice(0, dot);
    const parent = this.member(parentPath);
    if (parent?.kind !== 'object') return undefined;
    return this.members(parentPath, parent).get(dot < 0 ? path : path.slice(dot + 1));
  }

  /**
   * The members of an object section, found by their indentation. Every line of the section is
   * accounted for — a member's line, or a line of a member's own section — and a one-line value is
   * one JSON value: a line that held more (`"a": 1, "deploy": {…}`) or a name given twice would be
   * read otherwise by `JSON.parse`, so the file is refused as not laid out as synth writes it (the
   * reader falls back to parsing it whole, strictly).
   */
  members(path: string, section = this.member(path)): Map<string, Member> {
    let out = this.memberCache.get(path);
    if (out) return out;
    out = new Map();
    if (section?.kind !== 'object') return out;
    const b = this.bytes;
    const pad = ' '.repeat(section.indent);
    const lead = Buffer.from(`\n${pad}"`);
    const notLayout = () => {
      throw new Error('not a diffable JSON file');
    };
    // every member line follows a newline (the first, the opening line's)
    let expect = section.start - 1;
    let at = b.indexOf(lead, expect);
    while (at >= 0 && at < section.end) {
      if (at !== expect) notLayout();
      const s = at + 1 + section.indent;
      let eol = b.indexOf(10, s);
      if (eol < 0 || eol > section.end) eol = section.end;
      let e = eol;
      if (b[e - 1] === 44) e--;
      const close = b.indexOf('":', s + 1);
      const name = JSON.parse(b.toString('utf8', s, close + 1)) as string;
      if (out.has(name)) notLayout();
      const v = close + 3;
      const opens = e - v === 1 ? b[v] : 0;
      if (opens === 91 || opens === 123) {
        const closer = b.indexOf(`\n${pad}${opens === 91 ? ']' : '}'}`, eol);
        if (closer < 0) notLayout();
        out.set(name, {
          name,
          start: eol + 1,
          end: closer,
          kind: opens === 91 ? 'list' : 'object',
          indent: section.indent + 2,
        });
        const after = b.indexOf(10, closer + 1);
        expect = after < 0 || after > section.end ? section.end : after;
        at = b.indexOf(lead, closer + 1);
      } else {
        // one value on the line, and nothing after it
        JSON.parse(b.toString('utf8', v, e));
        out.set(name, { name, start: v, end: e, kind: 'value', indent: section.indent });
        expect = eol;
        at = b.indexOf(lead, eol);
      }
    }
    // nothing after the last member but the section's end
    if (b.subarray(expect, section.end).some((c) => c !== 10 && c !== 32)) notLayout();
    this.memberCache.set(path, out);
    return out;
  }

  /** The value at a dotted path, parsed section by section (only what it holds); undefined when absent. */
  value(path: string): unknown {
    const m = this.member(path);
    if (!m) return undefined;
    if (m.kind === 'value') return this.parse(m);
    if (m.kind === 'list') return this.items(path).map((e) => this.parse(e));
    const out: Record<string, unknown> = {};
    for (const name of this.members(path).keys()) out[name] = this.value(`${path}.${name}`);
    return out;
  }

  /** The items of a list section, one per line. */
  items(path: string): Entry[] {
    let out = this.itemCache.get(path);
    if (out) return out;
    out = [];
    const m = this.member(path);
    if (m?.kind === 'list') {
      // lines found in a one-byte-per-character copy of the section: a string search per line
      // stays in JavaScript, where a Buffer search would cross into C++ each time
      const t = this.bytes.toString('latin1', m.start, m.end);
      this.texts.push({ offset: m.start, text: t });
      let pos = 0;
      while (pos < t.length) {
        let eol = t.indexOf('\n', pos);
        if (eol < 0) eol = t.length;
        const s = pos + m.indent;
        let e = eol;
        if (t.charCodeAt(e - 1) === 44) e--;
        if (e > s) out.push({ start: m.start + s, end: m.start + e });
        pos = eol + 1;
      }
    }
    this.itemCache.set(path, out);
    return out;
  }

  /** Whether a section (or one-line value) is byte for byte the same in `that` file. */
  sameSection(path: string, that: DiffableFile): boolean {
    const x = this.member(path);
    const y = that.member(path);
    if (!x || !y) return x === y;
    return this.same(x, that, y);
  }
}

/** An item's identity from how it starts: {"name":…, {"id":…, or {"targets":[…]; '' when none. */
export function itemKey(raw: string): string {
  const head = raw.length > 300 ? raw.slice(0, 300) : raw;
  const m =
    /^\{"(?:name|id)":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/.exec(head) ??
    /^\{"targets":(\[[^\]]*\])/.exec(head);
  return m ? (m[1] as string) : '';
}

/** Entries by key; null when one has no key or a key repeats. */
function byKey(f: DiffableFile, entries: readonly Entry[]): Map<string, Entry> | null {
  const out = new Map<string, Entry>();
  for (const e of entries) {
    const key = itemKey(f.raw(e));
    if (key === '' || out.has(key)) return null;
    out.set(key, e);
  }
  return out;
}

/** The items of a list by key; null when an item has no key or a key repeats. */
export const keyedItems = (f: DiffableFile, path: string) => byKey(f, f.items(path));

export interface SectionDelta {
  /** Keys of the items added, removed or changed (as written: a JSON string or number). */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export interface Alignment {
  /** Items the same in both files (A's entries). */
  readonly same: readonly Entry[];
  /** Items of A only, of B only, and in both but different ([A's, B's]). */
  readonly removed: readonly Entry[];
  readonly added: readonly Entry[];
  readonly changed: readonly (readonly [Entry, Entry])[];
}

/**
 * The items of a list section matched between two files: the equal runs at the start and the end
 * compared in place (string comparisons), only the items between them matched by key. Null when
 * the items between cannot be matched by key (no key, or a key twice).
 */
export function alignItems(a: DiffableFile, b: DiffableFile, path: string): Alignment | null {
  const x = a.items(path);
  const y = b.items(path);
  let p = 0;
  while (p < x.length && p < y.length && a.same(x[p] as Entry, b, y[p] as Entry)) p++;
  let q = 0;
  while (
    q < x.length - p &&
    q < y.length - p &&
    a.same(x[x.length - 1 - q] as Entry, b, y[y.length - 1 - q] as Entry)
  )
    q++;
  const same = [...x.slice(0, p), ...x.slice(x.length - q)];
  const mx = byKey(a, x.slice(p, x.length - q));
  const my = byKey(b, y.slice(p, y.length - q));
  if (!mx || !my) return null;
  const added: Entry[] = [];
  const changed: [Entry, Entry][] = [];
  for (const [k, e] of my) {
    const old = mx.get(k);
    if (!old) added.push(e);
    else if (a.same(old, b, e)) same.push(old);
    else changed.push([old, e]);
  }
  const removed = [...mx].filter(([k]) => !my.has(k)).map(([, e]) => e);
  return { same, removed, added, changed };
}

/**
 * What differs in one list section of two files: null when the section is the same; `unkeyed`
 * when its items cannot be matched by key (the caller then reads it whole).
 */
export function sectionDelta(
  a: DiffableFile,
  b: DiffableFile,
  path: string,
): SectionDelta | 'unkeyed' | null {
  if (a.sameSection(path, b)) return null;
  const aligned = alignItems(a, b, path);
  if (!aligned) return 'unkeyed';
  const keys = (f: DiffableFile, list: readonly Entry[]) => list.map((e) => itemKey(f.raw(e)));
  return {
    added: keys(b, aligned.added),
    removed: keys(a, aligned.removed),
    changed: keys(
      b,
      aligned.changed.map(([, y]) => y),
    ),
  };
}
