/**
 * Every panel's queries as Grafana sends them to Prometheus: the dashboard's variables expanded to
 * the values chosen (several as a regex alternation, as Grafana's Prometheus datasource writes a
 * multi-value variable) and Grafana's own — `$__rate_interval`, `$__interval`, `$__range` — to
 * what Grafana computes for the range and step. The panel tests and `monitor status` run these.
 */
import type { DashboardSpec, PanelSpec, Target } from './grafana.ts';

export interface PanelQueries {
  readonly dashboard: { readonly uid: string; readonly title: string };
  readonly panel: PanelSpec;
  readonly targets: readonly Target[];
}

/** Each panel of each dashboard with its targets, in order. */
export function panelQueries(dashboards: readonly DashboardSpec[]): PanelQueries[] {
  return dashboards.flatMap((d) =>
    d.panels.map((panel) => ({ dashboard: { uid: d.uid, title: d.title }, panel, targets: panel.targets })),
  );
}

export interface Expansion {
  /** The values of each variable: its options' values for All, or the one chosen. */
  readonly variables: Readonly<Record<string, readonly string[]>>;
  readonly rangeSeconds: number;
  readonly stepSeconds: number;
  /** The datasource's scrape interval, which `$__rate_interval` keeps four of. */
  readonly scrapeIntervalSeconds: number;
}

/** All of each variable's values: what the dashboards open with (All selected). */
export function allValues(dashboards: readonly DashboardSpec[]): Record<string, string[]> {
  return Object.fromEntries(
    dashboards.flatMap((d) => d.variables.map((v) => [v.name, v.options.map((o) => o.value)])),
  );
}

/** A value in a regex inside a PromQL string, as Grafana's Prometheus datasource escapes it. */
const regexEscape = (value: string) => value.replace(/[\\^$.|?*+()[\]{}]/g, '\\\\$&');

/** The query with every `$name` and `${name}` replaced; throws on one Grafana would not know. */
export function expandQuery(expr: string, e: Expansion): string {
  // Grafana: $__rate_interval = max($__interval + scrape interval, 4 × scrape interval)
  const builtins: Record<string, string> = {
    __rate_interval: `${Math.max(e.stepSeconds + e.scrapeIntervalSeconds, 4 * e.scrapeIntervalSeconds)}s`,
    __interval: `${e.stepSeconds}s`,
    __interval_ms: String(e.stepSeconds * 1000),
    __range: `${e.rangeSeconds}s`,
    __range_s: String(e.rangeSeconds),
    __range_ms: String(e.rangeSeconds * 1000),
  };
  return expr.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const builtin = builtins[name];
      if (builtin !== undefined) return builtin;
      const values = e.variables[name];
      if (!values || values.length === 0)
        throw new Error(`${whole} in ${expr}: no such variable or no value`);
      const escaped = values.map(regexEscape);
      return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
    },
  );
}

/** A series' legend as Grafana writes it: `{{label}}` its value (empty when it has none). */
export function legendOf(format: string, labels: Readonly<Record<string, string>>): string {
  const text = format.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  if (text.trim() !== '') return text;
  const pairs = Object.entries(labels).filter(([k]) => k !== '__name__');
  return `{${pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}
