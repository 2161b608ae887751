/**
 * Parses one inventory file into a YAML document with positions, in time linear in its size and
 * with every problem located: nesting deeper than any inventory needs is refused before the
 * document is built (the composer recurses per level), duplicate keys are found with one set per
 * mapping (the `yaml` package's own check compares every key with every other: 47 s for a 4 MB
 * mapping), and the parser's warnings — an unknown tag such as `!!js/function` — are errors.
 */
import {
  Composer,
  type CST,
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
} from 'yaml';
import { quote } from './quote.ts';

/** Deeper than this is refused: the built-in city nests 9 levels, a rack's servers 7. */
export const MAX_NESTING = 64;

/** Problems past this many in one file are counted, not listed: garbage must not flood the terminal. */
export const MAX_PROBLEMS_PER_FILE = 20;

export interface YamlProblem {
  /** Offset in the text; its line and column come from `lines`. */
  readonly offset: number;
  readonly message: string;
}

export type ParsedYaml =
  | { readonly doc: Document.Parsed; readonly lines: LineCounter; readonly problems: readonly [] }
  | { readonly doc: null; readonly lines: LineCounter; readonly problems: readonly YamlProblem[] };

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Where the first collection nested deeper than MAX_NESTING starts, walked without recursion. */
function tooDeep(tokens: readonly CST.Token[]): number | null {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  let first: number | null = null;
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    if (depth > MAX_NESTING) {
      const offset = (token as { offset: number }).offset;
      if (first === null || offset < first) first = offset;
      continue;
    }
    const children: CST.Token[] = [];
    if (token.type === 'document' && token.value) children.push(token.value);
    if (COLLECTIONS.has(token.type))
      for (const item of (token as CST.BlockMap | CST.BlockSequence | CST.FlowCollection).items) {
        if ('key' in item && item.key) children.push(item.key);
        if (item.value) children.push(item.value);
      }
    for (const child of children) stack.push([child, depth + (COLLECTIONS.has(child.type) ? 1 : 0)]);
  }
  return first;
}

/** Keys written twice in one mapping, with one set per mapping; the document is walked without recursion. */
function duplicateKeys(doc: Document.Parsed): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (key === '__proto__')
            problems.push({
              offset: pair.key.range?.[0] ?? 0,
              message:
                'a key named "__proto__"; expected inventory keys (it would change what every object is)',
            });
          else if (seen.has(key))
            problems.push({
              offset: pair.key.range?.[0] ?? 0,
              message: `duplicate key ${quote(key)}; expected each key once in a mapping`,
            });
          seen.add(key);
        } else if (pair.key !== null) {
          problems.push({
            offset: (pair.key as Node).range?.[0] ?? 0,
            message: 'a key that is not plain text; expected keys such as id or name',
          });
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

/** Parses `text` as one YAML document; the problems, if any, are all there is to say about it. */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== null)
    return {
      doc: null,
      lines,
      problems: [
        {
          offset: deep,
          message: `nested more than ${MAX_NESTING} levels deep; expected at most ${MAX_NESTING} levels (an inventory nests about 10)`,
        },
      ],
    };
  // uniqueKeys off: duplicateKeys does the same check in linear time
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
  const docs = [...composer.compose(tokens, true, text.length)];
  const doc = docs[0] as Document.Parsed;
  const problems: YamlProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings])
    problems.push({
      offset: e.pos[0],
      message:
        e.code === 'TAG_RESOLVE_FAILED'
          ? `an unknown YAML tag (${e.message.replace(/^Unresolved tag: /, '').split(' at line')[0]}); expected plain values without tags`
          : `not valid YAML: ${e.message.split(' at line')[0]}`,
    });
  if (docs.length > 1)
    problems.push({
      offset: (docs[1] as Document.Parsed).range[0],
      message: 'holds more than one YAML document; expected a single document',
    });
  if (problems.length === 0) problems.push(...duplicateKeys(doc));
  if (problems.length === 0) return { doc, lines, problems: [] };
  return { doc: null, lines, problems };
}
