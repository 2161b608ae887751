/**
 * The attributes that differ between two versions of one object, leaf by leaf, with paths that
 * name list items by their `name` where every item has one (a container, an env var, a port), so
 * a change inside a list is keyed by identity, not by position. Sensitive values are replaced by
 * a marker here, before anything can print them.
 */
import { type AttributeChange, SENSITIVE } from './change.ts';
import type { SecretMatcher } from './secret-matcher.ts';

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY =
  /(pass(word|wd)?|secret|token|private[_-]?key|credential|api[_-]?key|connection[_-]?string|conn[_-]?str|dsn|auth)$/i;
/** A URL with a password in it (scheme://user:password@host). */
const CREDENTIAL_URL = /[a-z][\w+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i;

/** A path segment: an object key, or a list item by name or position. */
export type Segment = string | { readonly name: string } | number;

export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path)
    out +=
      typeof s === 'string' ? `${out ? '.' : ''}${s}` : typeof s === 'number' ? `[${s}]` : `[name=${s.name}]`;
  return out;
}

/** The path without list selectors, as provider schemas name attributes: spec.selector.match_labels. */
export const schemaPath = (path: readonly Segment[]) =>
  path.filter((s): s is string => typeof s === 'string').join('.');

export interface DiffOptions {
  /** The plan (or template) marks this path sensitive. */
  readonly markedSensitive?: (path: readonly Segment[], side: 'before' | 'after') => boolean;
  /** Why changing this attribute replaces the object, or null. */
  readonly forcesReplacement?: (path: readonly Segment[]) => string | null;
  /**
   * Values known to be secret (those a plan marks sensitive somewhere in the object): any value
   * holding one is masked too, wherever it shows up again (Terraform copies an input into an
   * output without marking the copy).
   */
  readonly secretValues?: SecretMatcher;
  /** Lists compared item by item in order, never by their items' names (a plan's sensitivity mirrors are by position). */
  readonly byPosition?: boolean;
  /** Keys left out of the comparison (e.g. cdktf's "//" metadata). */
  readonly ignoreKeys?: ReadonlySet<string>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as one short line; long values are cut, sensitive ones never get here. */
export function shortText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

const secretKeys = new Map<string, boolean>();
/** Whether a key names a secret (memoized: the same few hundred keys recur in every resource). */
function secretKey(key: string): boolean {
  let known = secretKeys.get(key);
  if (known === undefined) {
    known = SECRET_KEY.test(key);
    if (secretKeys.size < 10_000) secretKeys.set(key, known);
  }
  return known;
}

/** The value is, or holds, a secret: by its key, its sibling `name`, or its text. */
function secretAt(key: Segment | undefined, parent: unknown, value: unknown): boolean {
  if (typeof key === 'string' && secretKey(key)) return true;
  // an env var { name: DB_PASSWORD, value: … }
  if (
    (key === 'value' || key === 'value_from') &&
    isObject(parent) &&
    typeof parent.name === 'string' &&
    secretKey(parent.name)
  )
    return true;
  return typeof value === 'string' && (value === SENSITIVE || CREDENTIAL_URL.test(value));
}

/** Whether `value` (or any text in it) contains one of `secrets`. */
function holdsValue(value: unknown, secrets: SecretMatcher | undefined): boolean {
  if (!secrets || secrets.empty || value === undefined) return false;
  return secrets.matches(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Every item an object with a distinct string `name`: the list is keyed by name. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | null {
  if (list.length === 0) return new Map();
  const byName = new Map<string, unknown>();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || byName.has(item.name)) return null;
    byName.set(item.name, item);
  }
  return byName;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameValue(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** The attributes that differ between `before` and `after`, in path order. */
export function attributeChanges(
  before: unknown,
  after: unknown,
  options: DiffOptions = {},
): AttributeChange[] {
  const out: AttributeChange[] = [];
  const visit = (
    a: unknown,
    b: unknown,
    path: Segment[],
    parents: { a: unknown; b: unknown },
    secret: boolean,
  ): void => {
    // each node is visited once: subtrees are walked, not compared whole at every level
    if (a === b) return;
    const key = path.at(-1);
    const hidden =
      secret ||
      (a !== undefined && secretAt(key, parents.a, a)) ||
      (b !== undefined && secretAt(key, parents.b, b)) ||
      Boolean(options.markedSensitive?.(path, 'before')) ||
      Boolean(options.markedSensitive?.(path, 'after'));
    if (isObject(a) && isObject(b)) {
      const keys = Object.keys(a);
      for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) keys.push(k);
      keys.sort();
      for (const k of keys)
        if (!options.ignoreKeys?.has(k)) {
          path.push(k);
          visit(a[k], b[k], path, { a, b }, hidden);
          path.pop();
        }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const na = options.byPosition ? null : namedItems(a);
      const nb = options.byPosition ? null : namedItems(b);
      if (na && nb && (na.size > 0 || nb.size > 0)) {
        const names = [...new Set([...na.keys(), ...nb.keys()])].sort();
        for (const name of names) {
          path.push({ name });
          visit(na.get(name), nb.get(name), path, { a, b }, hidden);
          path.pop();
        }
        return;
      }
      if (a.length === b.length && !options.byPosition) {
        // a configuration's lists (not name-keyed): item by item, walked once
        a.forEach((x, i) => {
          path.push(i);
          visit(x, b[i], path, { a, b }, hidden);
          path.pop();
        });
        return;
      }
      const ka = a.map((x) => JSON.stringify(x));
      const kb = b.map((x) => JSON.stringify(x));
      if (a.length === b.length) {
        if (ka.every((k, i) => k === kb[i])) return;
        // a plan's list of the same items in another order (a set's order means nothing, a
        // list's does): said once
        const sa = [...ka].sort();
        const sb = [...kb].sort();
        if (sa.every((k, i) => k === sb[i])) {
          out.push({
            path: formatPath(path),
            before: '(these items)',
            after: '(the same items, in another order)',
          });
          return;
        }
        a.forEach((x, i) => {
          path.push(i);
          visit(x, b[i], path, { a, b }, hidden);
          path.pop();
        });
        return;
      }
      // another length: what was taken out and what was put in, item by item (as multisets)
      const left = new Map<string, number[]>();
      for (const [i, k] of ka.entries()) left.set(k, [...(left.get(k) ?? []), i]);
      const added: number[] = [];
      kb.forEach((k, j) => {
        const at = left.get(k);
        if (at?.length) at.shift();
        else added.push(j);
      });
      const removed = [...left.values()].flat().sort((x, y) => x - y);
      const item = (list: readonly unknown[], i: number, side: 'before' | 'after', mark: string) => {
        path.push(i);
        const hide =
          hidden ||
          Boolean(options.markedSensitive?.(path, side)) ||
          holdsValue(list[i], options.secretValues) ||
          holdsSecret(list[i]);
        path.pop();
        const why = options.forcesReplacement?.([...path]) ?? null;
        out.push({
          path: `${formatPath(path)}[${mark}]`,
          [side]: hide ? SENSITIVE : shortText(list[i]),
          ...(why ? { forcesReplacement: why } : {}),
          ...(hide ? { sensitive: true } : {}),
        });
      };
      for (const i of removed) item(a, i, 'before', '-');
      for (const j of added) item(b, j, 'after', '+');
      return;
    }
    if (sameValue(a, b)) return;
    // a value shown whole (an added block, a list that changed length) must not hold a secret
    const hide =
      hidden ||
      holdsValue(a, options.secretValues) ||
      holdsValue(b, options.secretValues) ||
      (typeof a === 'object' && holdsSecret(a)) ||
      (typeof b === 'object' && holdsSecret(b));
    const why = options.forcesReplacement?.([...path]) ?? null;
    out.push({
      path: formatPath(path),
      ...(a === undefined ? {} : { before: hide ? SENSITIVE : shortText(a) }),
      ...(b === undefined ? {} : { after: hide ? SENSITIVE : shortText(b) }),
      ...(why ? { forcesReplacement: why } : {}),
      ...(hide ? { sensitive: true } : {}),
    });
  };
  visit(before, after, [], { a: undefined, b: undefined }, false);
  return out;
}

/** Whether a value somewhere under it is a secret (an added or removed object is never printed whole). */
export function holdsSecret(value: unknown, key?: Segment, parent?: unknown): boolean {
  if (secretAt(key, parent, value)) return true;
  if (Array.isArray(value)) return value.some((v, i) => holdsSecret(v, i, value));
  if (isObject(value)) return Object.entries(value).some(([k, v]) => holdsSecret(v, k, value));
  return false;
}

/**
 * Every leaf of an object added or removed whole, each with its path and value (secrets masked as
 * in a change): a reviewer sees what a new resource holds, not only that there is one.
 */
export function leafAttributes(
  value: unknown,
  side: 'before' | 'after',
  options: Pick<DiffOptions, 'ignoreKeys' | 'markedSensitive' | 'secretValues'> = {},
): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (v: unknown, path: Segment[], parent: unknown, secret: boolean): void => {
    const key = path.at(-1);
    const hidden =
      secret ||
      (v !== undefined && secretAt(key, parent, v)) ||
      Boolean(options.markedSensitive?.(path, side));
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const k of Object.keys(v).sort())
        if (!options.ignoreKeys?.has(k)) {
          path.push(k);
          walk(v[k], path, v, hidden);
          path.pop();
        }
      return;
    }
    if (Array.isArray(v) && v.length > 0) {
      const named = options.markedSensitive ? null : namedItems(v);
      v.forEach((x, i) => {
        const item = named ? ({ name: (x as { name: string }).name } as const) : i;
        path.push(item);
        walk(x, path, v, hidden);
        path.pop();
      });
      return;
    }
    if (v === undefined) return;
    const hide = hidden || holdsValue(v, options.secretValues);
    out.push({
      path: formatPath(path),
      [side]: hide ? SENSITIVE : shortText(v),
      ...(hide ? { sensitive: true } : {}),
    });
  };
  walk(value, [], undefined, false);
  return out;
}
