/** Checks the raw inventory against the schema and turns every issue into a located finding. */
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import type { Finding } from './finding.ts';
import { modelPathOf, type YamlPath } from './model-path.ts';
import { quote } from './quote.ts';
import { type Inventory, inventorySchema } from './schema.ts';
import type { InventorySources } from './source.ts';

/** Unknown keys of one object reported one by one; the rest are counted in one finding. */
const MAX_UNKNOWN_KEYS_LISTED = 10;

const WHY = 'The inventory must match the schema before anything can be expanded from it.';

/** The keys an object at `path` may have, following the schema through lists and optionals. */
export function knownKeysAt(path: YamlPath): string[] {
  let schema: z.ZodType = inventorySchema;
  const unwrap = () => {
    while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault)
      schema = schema.unwrap() as z.ZodType;
  };
  for (const seg of path) {
    unwrap();
    if (schema instanceof z.ZodObject && typeof seg === 'string') {
      const next = (schema.shape as Record<string, z.ZodType>)[seg];
      if (!next) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray && typeof seg === 'number') {
      schema = schema.element as z.ZodType;
    } else {
      return [];
    }
  }
  unwrap();
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** "did you mean" when a known word is close enough to be a typo. */
export function suggestion(word: string, known: readonly string[]): string | null {
  if (known.length === 0) return null;
  const best = closest(word, known as string[]);
  return distance(word.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(word.length / 3))
    ? best
    : null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a text value',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
};

type Issue = z.core.$ZodIssue & { input?: unknown };

/** An issue about a field that is not there at all (zod reports its input as undefined). */
const isMissing = (issue: Issue) => issue.input === undefined && issue.code !== 'custom';

function explain(issue: Issue): { message: string; expected: string } {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      return { message: `is ${describe(input)}`, expected: TYPE_WORDS[issue.expected] ?? issue.expected };
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const small = issue.code === 'too_small';
      const op = small
        ? issue.inclusive
          ? 'at least'
          : 'more than'
        : issue.inclusive
          ? 'at most'
          : 'less than';
      if (issue.origin === 'array')
        return {
          message: `has ${(input as unknown[] | undefined)?.length ?? 0} items`,
          expected: `${op} ${bound}`,
        };
      if (issue.origin === 'string')
        return {
          message:
            small && String(input ?? '') === ''
              ? 'is empty'
              : `has ${[...String(input ?? '')].length} characters`,
          expected: `${op} ${bound} characters`,
        };
      const word = small && Number(bound) === 0 && typeof input === 'number' && input < 0 ? 'negative: ' : '';
      return { message: `is ${word}${String(input)}`, expected: `a value ${op} ${String(bound)}` };
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const near =
        typeof input === 'string' && values.length > 1 ? suggestion(input, issue.values.map(String)) : null;
      return {
        message: `is ${describe(input)}`,
        expected: `${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}${near ? ` (did you mean "${near}"?)` : ''}`,
      };
    }
    case 'invalid_format':
      return { message: `is ${describe(input)}`, expected: issue.message };
    case 'not_multiple_of':
      return { message: `is ${String(input)}`, expected: `a multiple of ${String(issue.divisor)}` };
    default:
      return { message: issue.message, expected: 'a value the schema allows' };
  }
}

export interface SchemaCheck {
  readonly inventory: Inventory | null;
  readonly findings: readonly Finding[];
}

/** Validates the merged raw inventory; every issue becomes one finding with its file:line. */
export function checkSchema(raw: Record<string, unknown>, sources: InventorySources): SchemaCheck {
  const result = inventorySchema.safeParse(raw, { reportInput: true });
  if (result.success) return { inventory: result.data, findings: [] };
  const findings: Finding[] = [];
  const base = { rule: 'CC000', ruleName: 'schema', level: 'error' as const, why: WHY };
  for (const issue of result.error.issues as Issue[]) {
    const path = issue.path as YamlPath;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      const objectPath = modelPathOf(raw, path);
      for (const key of issue.keys.slice(0, MAX_UNKNOWN_KEYS_LISTED)) {
        const near = suggestion(key, known);
        findings.push({
          ...base,
          path: objectPath === '(top level)' ? key : `${objectPath}.${key}`,
          message: `unknown key ${quote(key)}`,
          expected: near ? `"${near}" (did you mean it?)` : `one of: ${known.join(', ')}`,
          location: sources.locate(path, key),
        });
      }
      const more = issue.keys.length - MAX_UNKNOWN_KEYS_LISTED;
      if (more > 0)
        findings.push({
          ...base,
          path: objectPath,
          message: `has ${more.toLocaleString('en-US')} more unknown keys, not listed one by one`,
          expected: `only the keys ${known.join(', ')}`,
          location: sources.locate(path),
        });
      continue;
    }
    const missing = isMissing(issue);
    const { message, expected } = explain(issue);
    findings.push({
      ...base,
      message: missing ? `required field "${String(path.at(-1))}" is missing` : message,
      expected,
      path: modelPathOf(raw, path),
      location: missing ? sources.locate(path.slice(0, -1)) : sources.locate(path),
    });
  }
  return { inventory: null, findings };
}
