/**
 * `citycloud monitor status`: the dashboards' panels as one self-contained page, from a running
 * Prometheus (the local stack's by default) — every panel's queries over a range, variables at All.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Option } from 'commander';
import { writeWhole } from '../../../exec/atomic-file.ts';
import { hasErrors, loadCity, UserError } from '../../../model/index.ts';
import { cityDashboards } from '../../../monitoring/dashboards/all-dashboards.ts';
import {
  allValues,
  expandQuery,
  legendOf,
  type PanelQueries,
  panelQueries,
} from '../../../monitoring/dashboards/panel-queries.ts';
import {
  type StatusPanel,
  type StatusSnapshot,
  statusHtml,
} from '../../../monitoring/dashboards/status-html.ts';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import { instantQuery, rangeQuery } from '../../../runbooks/engine/prometheus-query.ts';
import { inert } from '../../../view/terminal.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { DEFAULT_STATUS_FILE } from '../../cli/defaults.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { withInventory, withPrometheus } from '../../cli/options.ts';
import { duration } from '../../cli/parsers.ts';
import { printFindings } from '../../cli/report.ts';

/** Prometheus cannot be read at all: nothing to draw. */
export class MonitorStatusError extends UserError {
  /** Exit 2: unreadable input. */
  readonly exitCode = 2;
}

export interface MonitorStatusOptions {
  readonly inventory: string;
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  /** Milliseconds of history each chart shows, ending now. */
  readonly range: number;
  readonly out: string;
  readonly json?: boolean;
}

/** Points a chart has at most: the step is the range over this, in whole seconds. */
const POINTS = 300;
/** Range queries at once: the panels are a few dozen, Prometheus answers each from records. */
const CONCURRENCY = 4;

/** Runs `work` over `items`, `limit` at a time, keeping their order. */
async function inTurn<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function runMonitorStatus(opts: MonitorStatusOptions): Promise<number> {
  const prometheus = prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const { model, findings } = loadCity(opts.inventory);
  if (!model || hasErrors(findings)) {
    printFindings(findings, console.error);
    console.error('✗ the inventory has errors; no status was made');
    return EXIT.problems;
  }
  const ping = await instantQuery(prometheus.query, 'vector(1)');
  if (!ping.answered)
    throw new MonitorStatusError(
      `citycloud monitor status: ${ping.problem}; start the local stack with citycloud monitor up, or name a Prometheus with --prometheus`,
    );
  const dashboards = cityDashboards(model);
  const rangeSeconds = Math.max(60, Math.round(opts.range / 1000));
  const step = Math.max(1, Math.ceil(rangeSeconds / POINTS));
  const end = Math.floor(Date.now() / 1000 / step) * step;
  const start = end - Math.floor(rangeSeconds / step) * step;
  const expansion = {
    variables: allValues(dashboards),
    rangeSeconds,
    stepSeconds: step,
    scrapeIntervalSeconds: model.monitoring.scrapeIntervalSeconds,
  };
  const panel = async (q: PanelQueries): Promise<StatusPanel> => {
    const queries = q.targets.map((t) => expandQuery(t.expr, expansion));
    const answers = await Promise.all(
      queries.map((query) => rangeQuery(prometheus.query, query, { start, end, step })),
    );
    const limits = new Set(q.panel.limitTargets ?? []);
    const problems = answers.flatMap((a, i) =>
      a.answered
        ? a.series.length === 0
          ? [`query ${String.fromCharCode(65 + i)}: no data`]
          : []
        : [`query ${String.fromCharCode(65 + i)}: ${a.problem}`],
    );
    return {
      title: q.panel.title,
      unit: q.panel.unit,
      thresholds: (q.panel.thresholds ?? []).map((t) => t.value),
      queries,
      series: answers.flatMap((a, i) =>
        a.answered
          ? a.series.map((s) => ({
              name: legendOf(q.targets[i]?.legend ?? '', s.labels),
              limit: limits.has(i),
              samples: s.samples,
            }))
          : [],
      ),
      problems,
    };
  };
  const all = panelQueries(dashboards);
  const drawn = await inTurn(all, CONCURRENCY, panel);
  const snapshot: StatusSnapshot = {
    generatedAt: new Date(end * 1000).toISOString(),
    prometheus: prometheus.shown,
    start,
    end,
    step,
    dashboards: dashboards.map((d) => ({
      uid: d.uid,
      title: d.title,
      panels: drawn.filter((_, i) => all[i]?.dashboard.uid === d.uid),
    })),
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeWhole(opts.out, statusHtml(snapshot));
  const failing = all.flatMap((q, i) =>
    (drawn[i]?.problems ?? []).map((p) => `${q.dashboard.uid} / ${q.panel.title}: ${p}`),
  );
  if (opts.json)
    console.log(
      JSON.stringify(
        {
          prometheus: prometheus.shown,
          out: opts.out,
          start,
          end,
          step,
          panels: all.map((q, i) => ({
            dashboard: q.dashboard.uid,
            panel: q.panel.title,
            series: drawn[i]?.series.length ?? 0,
            problems: drawn[i]?.problems ?? [],
          })),
        },
        null,
        2,
      ),
    );
  else {
    const panelsWithout = new Set(failing.map((f) => f.split(':')[0])).size;
    console.log(
      inert(
        panelsWithout === 0
          ? `✓ ${all.length} panels of ${dashboards.length} dashboards from ${prometheus.shown}: every panel has data`
          : `✗ ${panelsWithout} of ${all.length} panels from ${prometheus.shown} without data:`,
      ),
    );
    for (const f of failing) console.log(inert(`  ${f}`));
    console.log(inert(`  wrote ${opts.out}`));
  }
  return failing.length > 0 ? EXIT.problems : EXIT.ok;
}

export const command: CommandModule = {
  under: 'monitor',
  register: (monitor) =>
    withPrometheus(
      withInventory(
        monitor
          .command('status')
          .description(
            'the Grafana dashboards’ panels as one self-contained page, from a running Prometheus',
          ),
      ),
      'to read (the local stack’s by default)',
    )
      .addOption(
        new Option('--range <duration>', 'how far back each chart goes, ending now (e.g. 30m, 6h, 7d)')
          .argParser(duration(60_000, 400 * 86_400_000))
          .default(3_600_000, '1h'),
      )
      .option('--out <file>', 'the page to write', DEFAULT_STATUS_FILE)
      .option('--json', 'print each panel’s series count and problems as JSON')
      .addHelpText(
        'after',
        '\nExit codes: 0 every panel has data, 1 a panel has none or its query failed, 2 Prometheus cannot be read.\n\nExamples:\n  citycloud monitor up && citycloud monitor status --range 6h\n  citycloud monitor status --prometheus http://prometheus.example:9090 --out status.html',
      )
      .action(async (opts: MonitorStatusOptions) => {
        process.exitCode = await runMonitorStatus(opts);
      }),
};
