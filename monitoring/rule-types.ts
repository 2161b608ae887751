/**
 * Prometheus rules as data. An alert is built with `alertRule`, which refuses one without a
 * severity, a `for`, a summary, a description that names the object, or a runbook URL; and each
 * alert carries the promtool test that checks it on both sides of its `for` window.
 */

export type Severity = 'critical' | 'warning' | 'info';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * An aggregate over many targets, which a shard sees only part of: what each shard records
   * instead (sums and counts, which add up across shards; named `shard_…`), and the expression
   * the global Prometheus computes this record with from those partials.
   */
  readonly sharded?: { readonly partials: readonly RecordingRule[]; readonly expr: string };
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertRule)[];
}

/** One input series of a promtool test, in its expanding notation (`1 1 0x20`). */
export interface TestSeries {
  readonly series: string;
  readonly values: string;
}

/**
 * How to make an alert fire: the input series, the minute from which its expression holds, and
 * the labels the firing alert has. The generated test checks that nothing fires just before
 * `activeFromMinute + for` and that the alert fires just after.
 */
export interface AlertScenario {
  readonly series: readonly TestSeries[];
  readonly activeFromMinute: number;
  readonly firingLabels: Readonly<Record<string, string>>;
  /** Minutes of slack on each side of the window, for expressions over rate windows. */
  readonly slackMinutes?: number;
  /** A minute at which nothing may fire yet (burn-rate alerts before their windows fill). */
  readonly warmUpMinute?: number;
  /** Other alerts that must stay quiet when this one fires (a ticket is not a page). */
  readonly quietAlerts?: readonly string[];
  /**
   * Tiers of the same alert that fire with this one, by their labels (a critical tier's
   * condition holds the warning tier's too, as node-mixin's do; Alertmanager inhibits the
   * warning). They must have the same `for`.
   */
  readonly alsoFiring?: readonly Readonly<Record<string, string>>[];
}

export interface AlertSpec {
  readonly rule: AlertRule;
  readonly scenario: AlertScenario;
  /**
   * Judged on one target's own series (a server down, a disk filling): with shards, the shard
   * that scrapes the target evaluates it. Every other alert is an aggregate, for the global.
   */
  readonly perTarget: boolean;
}

/** Minutes in a duration like `5m`, `1h`, `2d`. */
export function minutesOf(duration: string): number {
  const m = /^(\d+)([smhd])$/.exec(duration);
  if (!m) throw new Error(`duration "${duration}" is not like 5m, 1h or 2d`);
  const n = Number(m[1]);
  return { s: n / 60, m: n, h: n * 60, d: n * 1440 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export interface AlertInput {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  /** Must name the object, e.g. `{{ $labels.instance }}`. */
  readonly description: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly scenario: AlertScenario;
  /** See AlertSpec.perTarget; aggregate by default. */
  readonly perTarget?: boolean;
}

/**
 * Inventory text for an alert's annotations and labels, which Prometheus expands as Go templates:
 * a name holding `{{ … }}` would otherwise run as a template on every notification. Each `{{`
 * becomes an action that prints `{{`, and so does a `{` that ends the text (it could pair with
 * the template that follows it).
 */
export function promLiteral(text: string): string {
  return text.replace(/\{\{|\{$/g, (m) => `{{ ${JSON.stringify(m)} }}`);
}

/** An alert with every field the style asks for; throws on a missing one (a bug in the generator). */
export function alertRule(input: AlertInput, runbookBaseUrl: string): AlertSpec {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(input.alert))
    throw new Error(`alert name "${input.alert}" is not CamelCase`);
  minutesOf(input.for);
  if (!input.summary.trim()) throw new Error(`alert ${input.alert} has no summary`);
  if (!/\{\{ *\$labels\.\w+ *\}\}/.test(input.description))
    throw new Error(`alert ${input.alert}'s description does not name the object ({{ $labels.… }})`);
  return {
    rule: {
      alert: input.alert,
      expr: input.expr,
      for: input.for,
      labels: { ...input.labels, severity: input.severity },
      annotations: {
        summary: input.summary,
        description: input.description,
        runbook_url: promLiteral(`${runbookBaseUrl}#${input.alert.toLowerCase()}`),
      },
    },
    scenario: input.scenario,
    perTarget: input.perTarget ?? false,
  };
}
