/**
 * A Terraform JSON stack's resources by address, read so that two versions compare resource by
 * resource without parsing either whole: cdktf writes the file indented by two spaces, a resource
 * type per line at the fourth column and each resource's body between its name's line at the
 * sixth and its closing brace there; the bodies are compared as bytes and only those that differ
 * are parsed. A file laid out otherwise is parsed whole, with the same answers.
 */
import { countRead } from './reader-stats.ts';
import { DuplicateKeyError, parseStrictJson } from './strict-json.ts';

export interface StackResources {
  /** Resource addresses (type.name), each with its type and name. */
  readonly addresses: ReadonlyMap<string, { readonly type: string; readonly name: string }>;
  /** The resource's configuration. */
  config(address: string): Record<string, unknown>;
  /** Whether the resource is the same, byte for byte (or value for value), in `other`. */
  same(address: string, other: StackResources): boolean;
  /** Whether any resource of the stack is in this Kubernetes namespace. */
  hasNamespace(namespace: string): boolean;
  /** The stack's other top-level blocks (terraform, provider, data, module, output, …), parsed. */
  blocks(): Record<string, unknown>;
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** The parsed-whole reading, for any layout. */
class ParsedStack implements StackResources {
  readonly addresses = new Map<string, { type: string; name: string }>();
  private readonly text = new Map<string, string>();

  constructor(
    private readonly resources: Resources,
    private readonly rest: Record<string, unknown> = {},
  ) {
    for (const [type, byName] of Object.entries(resources))
      for (const name of Object.keys(byName)) this.addresses.set(`${type}.${name}`, { type, name });
  }

  blocks(): Record<string, unknown> {
    return this.rest;
  }

  config(address: string): Record<string, unknown> {
    const a = this.addresses.get(address);
    return (a ? this.resources[a.type]?.[a.name] : undefined) ?? {};
  }

  json(address: string): string {
    let t = this.text.get(address);
    if (t === undefined) {
      t = JSON.stringify(this.config(address));
      this.text.set(address, t);
    }
    return t;
  }

  same(address: string, other: StackResources): boolean {
    const that = other instanceof ParsedStack ? other : null;
    return that
      ? this.json(address) === that.json(address)
      : JSON.stringify(this.config(address)) === JSON.stringify(other.config(address));
  }

  hasNamespace(namespace: string): boolean {
    for (const byName of Object.values(this.resources))
      for (const r of Object.values(byName))
        if ((r.metadata as { namespace?: unknown } | undefined)?.namespace === namespace) return true;
    return false;
  }
}

/** A key's line: exactly one JSON string at its column, then `: {` to the end of the line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: a JSON string holds no raw control character
const NAME_LINE = /"(?:[^"\\\u0000-\u001f]|\\.)*": \{/y;

/** Whether the line from `line` to `eol` is exactly a key (one JSON string) opening an object at `col`. */
function nameLine(t: string, line: number, eol: number, col: number): boolean {
  NAME_LINE.lastIndex = line + col;
  return NAME_LINE.test(t) && NAME_LINE.lastIndex === eol;
}

/** Whether the line from `line` to `eol` is a closing brace at `col`, with at most a comma after it. */
const closesAt = (t: string, line: number, eol: number, col: number) =>
  eol === line + col + 1 || (eol === line + col + 2 && t.charCodeAt(line + col + 1) === 44);

/** The byte-level reading of cdktf's layout. */
class IndexedStack implements StackResources {
  readonly addresses = new Map<string, { type: string; name: string }>();
  private readonly ranges = new Map<string, { start: number; end: number }>();

  constructor(
    private readonly bytes: Buffer,
    from: number,
    to: number,
    private readonly strict: boolean,
  ) {
    // line by line, through a one-byte-per-character copy (string searches stay in JavaScript; a
    // Buffer search per line crosses into C++ each time): a type opens at the fourth column, a
    // resource at the sixth, each closes with a brace at its own column
    const t = bytes.toString('latin1', 0, to);
    let type: string | null = null;
    let open: { address: string; start: number } | null = null;
    let at = from;
    // every line at the fourth or sixth column is exactly one of cdktf's (a type or a resource
    // opening, or its closing brace with at most a comma), every deeper line inside a resource:
    // anything else — a second resource after a closing brace, an address twice — is no cdktf
    // layout, and the file is read whole (strictly) instead
    const notLayout = () => {
      throw new Error('not cdktf layout');
    };
    while (at >= 0 && at < to) {
      const line = at + 1;
      const next = t.indexOf('\n', line);
      const eol = next < 0 ? to : Math.min(next, to);
      let indent = 0;
      while (indent < 7 && t.charCodeAt(line + indent) === 32) indent++;
      const c = t.charCodeAt(line + indent);
      if (indent === 4 && c === 34 && open === null) {
        // the whole line one JSON string and its opening brace: no second key hides after it
        if (!nameLine(t, line, eol, 4)) notLayout();
        type = nameAt(bytes, line + 5, eol - 4);
      } else if (indent === 4 && c === 125 && open === null) {
        if (!closesAt(t, line, eol, 4)) notLayout();
        type = null;
      } else if (indent === 6 && c === 34 && type !== null && open === null) {
        if (!nameLine(t, line, eol, 6)) notLayout();
        const q = eol - 4;
        const name = nameAt(bytes, line + 7, q);
        const address = `${type}.${name}`;
        if (this.addresses.has(address)) notLayout();
        this.addresses.set(address, { type, name });
        open = { address, start: q + 3 };
      } else if (indent === 6 && c === 125 && open) {
        if (!closesAt(t, line, eol, 6)) notLayout();
        this.ranges.set(open.address, { start: open.start, end: line + 7 });
        open = null;
      } else if ((indent < 7 || open === null) && c !== 10) notLayout();
      at = next;
    }
    if (open || this.addresses.size !== this.ranges.size) throw new Error('not cdktf layout');
  }

  config(address: string): Record<string, unknown> {
    const r = this.ranges.get(address);
    if (!r) return {};
    const text = this.bytes.toString('utf8', r.start, r.end);
    try {
      return (this.strict ? parseStrictJson(text) : JSON.parse(text)) as Record<string, unknown>;
    } catch (err) {
      // said where it is in the stack, not in the resource's own text
      if (err instanceof DuplicateKeyError)
        throw new DuplicateKeyError(err.key, ['resource', address, err.path].filter(Boolean).join('.'));
      throw err;
    }
  }

  same(address: string, other: StackResources): boolean {
    const x = this.ranges.get(address);
    if (!(other instanceof IndexedStack))
      return JSON.stringify(this.config(address)) === JSON.stringify(other.config(address));
    const y = other.ranges.get(address);
    if (!x || !y) return false;
    return (
      x.end - x.start === y.end - y.start &&
      this.bytes.compare(other.bytes, y.start, y.end, x.start, x.end) === 0
    );
  }

  hasNamespace(namespace: string): boolean {
    return this.bytes.includes(`"namespace": ${JSON.stringify(namespace)}`);
  }

  /** The file with its resource section emptied, parsed: the other blocks are small. */
  blocks(): Record<string, unknown> {
    return stackBlocks(this.bytes);
  }
}

const RESOURCE = Buffer.from('\n  "resource": {\n');
const SECTION_CLOSE = Buffer.from('\n  }');

/** A JSON key's text between its quotes: as it is, unless it has an escape. */
function nameAt(b: Buffer, start: number, end: number): string {
  const backslash = b.indexOf(92, start);
  return backslash >= 0 && backslash < end
    ? (JSON.parse(b.toString('utf8', start - 1, end + 1)) as string)
    : b.toString('utf8', start, end);
}

/**
 * The stack's resources; an absent file has none. `strict` (the side a review is of): a key given
 * twice in what is read is refused (DuplicateKeyError), as Terraform would read it otherwise.
 */
export function stackResources(bytes: Buffer | undefined, strict = false): StackResources {
  if (!bytes) return new ParsedStack({});
  const at = bytes.indexOf(RESOURCE);
  if (at >= 0) {
    // the resource section ends at the first line closing at the third column after it
    const end = bytes.indexOf(SECTION_CLOSE, at + RESOURCE.length - 1);
    if (end > at)
      try {
        const indexed = new IndexedStack(bytes, at + RESOURCE.length - 1, end, strict);
        countRead('terraform-stack', true);
        return indexed;
      } catch {
        // laid out otherwise: parsed whole below
      }
  }
  countRead('terraform-stack', false);
  const text = bytes.toString('utf8');
  return parsedStack((strict ? parseStrictJson(text) : JSON.parse(text)) as { resource?: Resources });
}

/** The parsed reading of a stack given as data (tests, plans). */
export function parsedStack(json: object | undefined): StackResources {
  const { resource, ...rest } = (json ?? {}) as { resource?: Resources } & Record<string, unknown>;
  return new ParsedStack((resource ?? {}) as Resources, rest);
}

/**
 * A stack's blocks other than `resource` (terraform, provider, …), without reading its resources:
 * in cdktf's layout the resource section runs from its opening line to the first line closing at
 * the third column, which is cut out before parsing (a JSON string holds no raw line break, so no
 * value can fake that line); any other layout is parsed whole.
 */
export function stackBlocks(bytes: Buffer): Record<string, unknown> {
  const at = bytes.indexOf(RESOURCE);
  const end = at >= 0 ? bytes.indexOf(SECTION_CLOSE, at + RESOURCE.length - 1) : -1;
  if (end > at) {
    const text = `${bytes.toString('utf8', 0, at + RESOURCE.length - 2)}{}${bytes.toString('utf8', end + SECTION_CLOSE.length)}`;
    let json: Record<string, unknown> | null = null;
    try {
      // a key twice among the other blocks (a second "resource" among them) is refused
      json = parseStrictJson(text) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw err;
      // laid out otherwise: parsed whole below
    }
    if (json) {
      delete json.resource;
      return json;
    }
  }
  const { resource: _, ...rest } = parseStrictJson(bytes.toString('utf8')) as Record<string, unknown>;
  return rest;
}
