/**
 * The monitoring's diff: alerts keyed by name and static labels (not position), added, removed
 * or loosened — a threshold moved the permissive way, a longer `for`, a lower severity —;
 * recording rules; scrape jobs; the targets each target file lists; Alertmanager's routes keyed
 * by their matchers from the root. Reads the Prometheus, rules and Alertmanager YAML synth wrote.
 */

import { parse } from 'yaml';
import { attributeChanges } from './attribute-diff.ts';
import type { AttributeChange, Change } from './change.ts';
import { alignItems, DiffableFile, type Entry } from './diffable-lines.ts';
import { countRead } from './reader-stats.ts';

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr?: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
interface RulesFile {
  readonly groups?: readonly { readonly name: string; readonly rules?: readonly Rule[] }[];
}

/** What kind of monitoring file an artifact is, by its path. */
export function monitoringFileKind(path: string): 'rules' | 'prometheus' | 'alertmanager' | 'targets' | null {
  if (/^monitoring\/rules\/[^/]+\.ya?ml$/.test(path)) return 'rules';
  if (/^monitoring\/prometheus[^/]*\.ya?ml$/.test(path)) return 'prometheus';
  if (/^monitoring\/alertmanager\.ya?ml$/.test(path)) return 'alertmanager';
  if (/^monitoring\/targets\/[^/]+\.json$/.test(path) || path === 'network/blackbox-targets.json')
    return 'targets';
  return null;
}

const SEVERITY: Readonly<Record<string, number>> = {
  critical: 3,
  page: 3,
  high: 2,
  warning: 2,
  info: 1,
  none: 0,
};

/** A Prometheus duration in seconds (1h30m, 5m, 90s); 0 when absent. */
export function durationSeconds(text: string | undefined): number {
  if (!text) return 0;
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86_400,
    w: 604_800,
    y: 31_536_000,
  };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g))
    total += Number(m[1]) * (units[m[2] as string] ?? 0);
  return total;
}

/** The comparison an alert fires on: the last `op number` of its expression. */
export function threshold(expr: string | undefined): { op: string; value: number } | null {
  const m = /(>=|<=|==|!=|>|<)\s*(?:bool\s+)?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*\)*\s*$/i.exec(expr ?? '');
  return m ? { op: m[1] as string, value: Number(m[2]) } : null;
}

/** How an alert became easier to miss: each reason in words, empty when it did not. */
export function loosened(a: Rule, b: Rule): string[] {
  const why: string[] = [];
  const ta = threshold(a.expr);
  const tb = threshold(b.expr);
  if (ta && tb && ta.op === tb.op && ta.value !== tb.value) {
    const up = tb.value > ta.value;
    if (((ta.op === '>' || ta.op === '>=') && up) || ((ta.op === '<' || ta.op === '<=') && !up))
      why.push(`threshold ${ta.op} ${ta.value} → ${tb.op} ${tb.value}`);
  } else if (ta && !tb) why.push(`threshold ${ta.op} ${ta.value} removed from the expression`);
  if (durationSeconds(b.for) > durationSeconds(a.for)) why.push(`for ${a.for ?? '0s'} → ${b.for}`);
  const sa = SEVERITY[a.labels?.severity ?? 'none'] ?? 0;
  const sb = SEVERITY[b.labels?.severity ?? 'none'] ?? 0;
  if (sb < sa) why.push(`severity ${a.labels?.severity} → ${b.labels?.severity ?? 'none'}`);
  return why;
}

/** An alert's identity: its name and static labels other than severity, e.g. PoolCpuOverHeadroom{pool="email"}. */
function ruleKey(r: Rule): string {
  const labels = Object.entries(r.labels ?? {})
    .filter(([k]) => k !== 'severity')
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([k, v]) => `${k}="${v}"`);
  return `${r.alert ?? r.record}${labels.length ? `{${labels.join(',')}}` : ''}`;
}

/** The expression's first label selector, e.g. {job="node",criticality="critical"}. */
const selector = (expr: string | undefined) => /\{[^}]*\}/.exec(expr ?? '')?.[0] ?? '';

function keyed(rules: readonly Rule[]): Map<string, Rule> {
  // one name for several rules is told apart by what they select (ServerDown per criticality),
  // then by severity (node-mixin's tiers of one alert on the same series)
  const stages = [
    ruleKey,
    (r: Rule) => `${ruleKey(r)} ${selector(r.expr)}`,
    (r: Rule) => `${ruleKey(r)} ${selector(r.expr)} severity="${r.labels?.severity ?? ''}"`,
  ];
  const count = (key: (r: Rule) => string) => {
    const seen = new Map<string, number>();
    for (const r of rules) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
    return seen;
  };
  const counts = stages.map(count);
  const out = new Map<string, Rule>();
  for (const r of rules) {
    const stage = stages.findIndex((key, i) => (counts[i]?.get(key(r)) ?? 0) === 1);
    const base = (stages[stage === -1 ? stages.length - 1 : stage] as (r: Rule) => string)(r);
    let key = base;
    for (let i = 2; out.has(key); i++) key = `${base} #${i}`;
    out.set(key, r);
  }
  return out;
}

/**
 * A rules file as synth writes it, cut into its rules' blocks of text (each `      - ` item of a
 * group's rules and the lines under it); null when it is laid out otherwise.
 */
export function ruleBlocks(text: string): { readonly name: string; readonly text: string }[] | null {
  const lines = text.split('\n');
  if (lines[0] !== 'groups:') return null;
  const blocks: { name: string; text: string }[] = [];
  let current: string[] | null = null;
  const close = () => {
    if (current) {
      const name = /^ {6}- (?:alert|record): (.+)$/.exec(current[0] as string)?.[1];
      if (name === undefined) throw new Error('unexpected rule');
      blocks.push({ name, text: current.join('\n') });
    }
    current = null;
  };
  try {
    for (const line of lines.slice(1)) {
      if (line.startsWith('      - ')) {
        close();
        current = [line];
      } else if (line.startsWith('       ')) {
        if (!current) return null;
        current.push(line);
      } else if (/^ {2}- name: |^ {4}[a-z_]+:|^$/.test(line)) close();
      else return null;
    }
    close();
  } catch {
    return null;
  }
  return blocks;
}

/**
 * The rules to compare: where both files are laid out as synth writes them, only the rules whose
 * text differs and those sharing a name with one (their identity may depend on each other), each
 * parsed on its own; otherwise every rule, the files parsed whole.
 */
function rulesToCompare(before: string | undefined, after: string | undefined): [Rule[], Rule[]] {
  const all = (text: string | undefined) =>
    ((text === undefined ? undefined : (parse(text) as RulesFile))?.groups ?? []).flatMap(
      (g) => g.rules ?? [],
    );
  const ba = before === undefined ? null : ruleBlocks(before);
  const bb = after === undefined ? null : ruleBlocks(after);
  countRead('rules', ba !== null && bb !== null);
  if (!ba || !bb) return [all(before), all(after)];
  const count = (blocks: readonly { text: string }[]) => {
    const m = new Map<string, number>();
    for (const x of blocks) m.set(x.text, (m.get(x.text) ?? 0) + 1);
    return m;
  };
  const ca = count(ba);
  const cb = count(bb);
  // a rule's identity is its name and labels; where a name and labels repeat (ServerDown per
  // criticality), its selector too: every rule of such a name is compared, not only those changed
  const identity = (x: { name: string; text: string }) =>
    `${x.name}\u0000${(/\n {8}labels:\n((?: {10}.*\n?)*)/.exec(x.text)?.[1] ?? '').replace(/^ {10}severity: .*\n?/m, '')}`;
  const repeated = new Set<string>();
  for (const blocks of [ba, bb]) {
    const seen = new Set<string>();
    for (const x of blocks) {
      const id = identity(x);
      if (seen.has(id)) repeated.add(x.name);
      seen.add(id);
    }
  }
  const differs = (x: { text: string }, mine: Map<string, number>, other: Map<string, number>) =>
    (other.get(x.text) ?? 0) < (mine.get(x.text) ?? 0);
  const names = new Set<string>();
  for (const x of ba) if (repeated.has(x.name) && differs(x, ca, cb)) names.add(x.name);
  for (const x of bb) if (repeated.has(x.name) && differs(x, cb, ca)) names.add(x.name);
  // the picked blocks are items of one sequence at the same indentation: one parse for all
  const pick = (
    blocks: readonly { name: string; text: string }[],
    mine: Map<string, number>,
    other: Map<string, number>,
  ) =>
    (parse(
      blocks
        .filter((x) => names.has(x.name) || differs(x, mine, other))
        .map((x) => x.text)
        .join('\n'),
    ) ?? []) as Rule[];
  return [pick(ba, ca, cb), pick(bb, cb, ca)];
}

type RuleKind = 'alert' | 'recording-rule';

/** The change of one rule between `x` and `y` (either may be absent); null when they read the same. */
function ruleChange(artifact: string, kind: RuleKind, id: string, x?: Rule, y?: Rule): Change | null {
  const base = { area: 'monitoring' as const, artifact, kind, id, objects: { before: x, after: y } };
  if (!x || !y) {
    const rule = (x ?? y) as Rule;
    return {
      ...base,
      action: x ? 'remove' : 'add',
      summary: `${kind === 'alert' ? 'alert' : 'recording rule'} ${id} ${x ? 'removed' : 'added'}`,
      attributes: [],
      facts:
        kind === 'alert'
          ? {
              of: 'alert',
              severity: rule.labels?.severity ?? '',
              loosened: [],
              thresholdOnly: false,
              thresholdAfter: Number.NaN,
              pool: rule.labels?.pool ?? '',
            }
          : { of: 'monitoring-object' },
    };
  }
  const attributes = attributeChanges(x, y);
  if (attributes.length === 0) return null;
  const why = kind === 'alert' ? loosened(x, y) : [];
  return {
    ...base,
    action: 'change',
    summary: `${kind === 'alert' ? 'alert' : 'recording rule'} ${id} ${why.length ? `loosened: ${why.join('; ')}` : `changed: ${attributes.map((c) => c.path).join(', ')}`}`,
    attributes,
    facts: {
      of: 'alert',
      severity: y.labels?.severity ?? '',
      loosened: why,
      // what audit/derived-changes.ts needs to tell a threshold that follows the inventory
      thresholdOnly: why.length === 1 && (why[0] as string).startsWith('threshold'),
      thresholdAfter: threshold(y.expr)?.value ?? Number.NaN,
      pool: y.labels?.pool ?? '',
    },
  };
}

function diffRules(artifact: string, a: readonly Rule[], b: readonly Rule[]): Change[] {
  const changes: Change[] = [];
  for (const kind of ['alert', 'recording-rule'] as const) {
    const pick = (r: Rule) => (kind === 'alert' ? r.alert !== undefined : r.record !== undefined);
    const ma = keyed(a.filter(pick));
    const mb = keyed(b.filter(pick));
    for (const id of [...new Set([...ma.keys(), ...mb.keys()])].sort()) {
      const change = ruleChange(artifact, kind, id, ma.get(id), mb.get(id));
      if (change) changes.push(change);
    }
  }
  return changes;
}

/** Which Prometheus loads a rules file: the shards, the global, or the one Prometheus. */
const loadedBy = (artifact: string) => /\.(shard|global)\.rules\.ya?ml$/.exec(artifact)?.[1] ?? 'one';

/**
 * A rule that left one rules file for another the same Prometheus loads (the rules split into a
 * file per group, a rule moved between groups) is the same rule, not one removed and one added:
 * where a file of a Prometheus removes it and exactly one other file of it adds it, by kind and
 * id, it is no change when it reads the same, and one change in the file it is now in when it
 * does not. A rule moved between a shard's file and the global's changes where it is evaluated,
 * and stays a removal and an addition.
 */
export function pairMovedRules(changes: readonly Change[]): Change[] {
  const isRule = (c: Change) =>
    c.area === 'monitoring' && (c.kind === 'alert' || c.kind === 'recording-rule');
  const key = (c: Change) => `${loadedBy(c.artifact)}\u0000${c.kind}\u0000${c.id}`;
  const sides = new Map<string, { removed: Change[]; added: Change[] }>();
  for (const c of changes)
    if (isRule(c) && (c.action === 'remove' || c.action === 'add')) {
      const side = sides.get(key(c)) ?? { removed: [], added: [] };
      (c.action === 'remove' ? side.removed : side.added).push(c);
      sides.set(key(c), side);
    }
  const replaced = new Map<Change, Change | null>();
  for (const { removed, added } of sides.values()) {
    const [x, y] = [removed[0], added[0]];
    if (removed.length !== 1 || added.length !== 1 || !x || !y || x.artifact === y.artifact) continue;
    const moved = ruleChange(
      y.artifact,
      y.kind as RuleKind,
      y.id,
      x.objects?.before as Rule,
      y.objects?.after as Rule,
    );
    replaced.set(x, null);
    replaced.set(y, moved && { ...moved, summary: `${moved.summary} (moved from ${x.artifact})` });
  }
  return changes.flatMap((c) => {
    const r = replaced.has(c) ? replaced.get(c) : c;
    return r ? [r] : [];
  });
}

interface PrometheusConfig {
  readonly scrape_configs?: readonly ({ readonly job_name: string } & Record<string, unknown>)[];
}

/**
 * The changes between two keyed collections of one kind (scrape jobs, targets, routes,
 * receivers): each key added, removed, or changed attribute by attribute; `says` words it.
 */
function keyedChanges<T>(
  artifact: string,
  kind: string,
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  says: (id: string, x: T | undefined, y: T | undefined, attributes: readonly AttributeChange[]) => string,
): Change[] {
  const changes: Change[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(id);
    const y = after.get(id);
    const attributes = x && y ? attributeChanges(x, y) : [];
    if (x && y && attributes.length === 0) continue;
    changes.push({
      area: 'monitoring',
      artifact,
      kind,
      id,
      action: !x ? 'add' : !y ? 'remove' : 'change',
      summary: says(id, x, y, attributes),
      attributes,
      facts: { of: 'monitoring-object' },
    });
  }
  return changes;
}

const paths = (attributes: readonly AttributeChange[]) => attributes.map((c) => c.path).join(', ');

function diffScrapeJobs(
  artifact: string,
  a: PrometheusConfig | undefined,
  b: PrometheusConfig | undefined,
): Change[] {
  return keyedChanges(
    artifact,
    'scrape-job',
    new Map((a?.scrape_configs ?? []).map((j) => [j.job_name, j])),
    new Map((b?.scrape_configs ?? []).map((j) => [j.job_name, j])),
    (id, x, y, attributes) =>
      `scrape job ${id} ${!x ? 'added' : !y ? 'removed: its targets are no longer watched' : `changed: ${paths(attributes)}`}`,
  );
}

type TargetGroups = readonly {
  readonly targets?: readonly string[];
  readonly labels?: Record<string, string>;
}[];

function diffTargets(artifact: string, a: TargetGroups | undefined, b: TargetGroups | undefined): Change[] {
  const index = (groups: TargetGroups | undefined) => {
    const m = new Map<string, Record<string, string>>();
    for (const g of groups ?? []) for (const t of g.targets ?? []) m.set(t, g.labels ?? {});
    return m;
  };
  return keyedChanges(artifact, 'target', index(a), index(b), (id, x, y, attributes) => {
    const named = (y ?? x)?.instance ?? (y ?? x)?.server ?? (y ?? x)?.point;
    return `target ${id}${named && named !== id ? ` (${named})` : ''} ${!x ? 'added' : !y ? 'no longer scraped' : `relabelled: ${paths(attributes)}`}`;
  });
}

interface Route {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
  readonly routes?: readonly Route[];
  readonly [k: string]: unknown;
}

/** Every route of the tree by its matchers from the root, e.g. `district=~".+" / district="d760"`. */
function flattenRoutes(root: Route | undefined): Map<string, Route> {
  const out = new Map<string, Route>();
  const walk = (r: Route, path: string) => {
    const { routes, ...own } = r;
    let key = path || '(root)';
    for (let i = 2; out.has(key); i++) key = `${path} #${i}`;
    out.set(key, own);
    for (const child of routes ?? [])
      walk(child, `${path ? `${path} / ` : ''}${(child.matchers ?? []).join(', ') || '(all)'}`);
  };
  if (root) walk(root, '');
  return out;
}

function diffAlertmanager(
  artifact: string,
  a: { route?: Route; receivers?: readonly { name: string }[] } | undefined,
  b: { route?: Route; receivers?: readonly { name: string }[] } | undefined,
): Change[] {
  return [
    ...keyedChanges(
      artifact,
      'route',
      flattenRoutes(a?.route),
      flattenRoutes(b?.route),
      (id, x, y, attributes) =>
        `route ${id} ${!x ? `added (to ${y?.receiver})` : !y ? `removed (was to ${x.receiver})` : `changed: ${attributes.map((c) => `${c.path} ${c.before ?? '—'} → ${c.after ?? '—'}`).join(', ')}`}`,
    ),
    ...keyedChanges(
      artifact,
      'receiver',
      new Map((a?.receivers ?? []).map((r) => [r.name, r])),
      new Map((b?.receivers ?? []).map((r) => [r.name, r])),
      (id, x, y, attributes) =>
        `receiver ${id} ${!x ? 'added' : !y ? 'removed' : `changed: ${paths(attributes)}`}`,
    ),
  ];
}

/**
 * The changes between two versions of a target file: its groups (one per line, as synth writes
 * them) matched line by line, and only the groups that differ parsed and compared by target.
 */
export function diffTargetFile(
  path: string,
  before: Buffer | undefined,
  after: Buffer | undefined,
): Change[] {
  if (before && after) {
    try {
      const a = new DiffableFile(before);
      const b = new DiffableFile(after);
      const aligned = alignItems(a, b, '');
      if (aligned) {
        countRead('targets', true);
        const groups = (f: DiffableFile, list: readonly Entry[]) =>
          list.map((e) => f.parse(e)) as TargetGroups;
        return diffTargets(
          path,
          groups(a, [...aligned.removed, ...aligned.changed.map(([x]) => x)]),
          groups(b, [...aligned.added, ...aligned.changed.map(([, y]) => y)]),
        );
      }
    } catch {
      // not laid out one group per line: read whole below
    }
  }
  countRead('targets', false);
  return diffTargets(
    path,
    before && JSON.parse(before.toString('utf8')),
    after && JSON.parse(after.toString('utf8')),
  );
}

/** The changes between two versions of one monitoring file (either side may be absent). */
export function diffMonitoringFile(
  path: string,
  before: string | undefined,
  after: string | undefined,
): Change[] {
  const kind = monitoringFileKind(path);
  if (kind === 'rules') return diffRules(path, ...rulesToCompare(before, after));
  const bytes = (text: string | undefined) => (text === undefined ? undefined : Buffer.from(text, 'utf8'));
  if (kind === 'targets') return diffTargetFile(path, bytes(before), bytes(after));
  const a = before === undefined ? undefined : parse(before);
  const b = after === undefined ? undefined : parse(after);
  switch (kind) {
    case 'prometheus':
      return diffScrapeJobs(path, a, b);
    case 'alertmanager':
      return diffAlertmanager(path, a, b);
    default:
      return [];
  }
}
