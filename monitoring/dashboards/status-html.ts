/**
 * A snapshot of the dashboards as one page, for when Grafana is not at hand (`citycloud monitor
 * status`): every panel's queries over a range, each panel a chart drawn by uPlot bundled into the
 * page — nothing fetched, every label value escaped, built with view/html-page.ts (hash-only CSP).
 */
import { escapeHtml, htmlPage } from '../../view/html-page.ts';
import { uplotAssets } from '../../view/uplot.ts';
import type { Unit } from './grafana.ts';

export interface StatusSeries {
  /** Its legend, from Prometheus' labels (untrusted text). */
  readonly name: string;
  /** A limit from the model drawn beside the measurement (dashed). */
  readonly limit: boolean;
  /** [unix seconds, value]. */
  readonly samples: readonly (readonly [number, number])[];
}

export interface StatusPanel {
  readonly title: string;
  readonly unit: Unit;
  readonly thresholds: readonly number[];
  /** The queries as sent, variables expanded. */
  readonly queries: readonly string[];
  readonly series: readonly StatusSeries[];
  /** Why a query gave nothing: an error, or no data. */
  readonly problems: readonly string[];
}

export interface StatusDashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly StatusPanel[];
}

export interface StatusSnapshot {
  readonly generatedAt: string;
  /** The URL, without credentials. */
  readonly prometheus: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly dashboards: readonly StatusDashboard[];
}

/** The element id of a panel's section (uids are ours: letters, digits and dashes). */
export const panelId = (uid: string, index: number) => `panel-${uid}-${index + 1}`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; }
section.panel { margin: 16px 0 24px; }
section.panel h3 { font-size: 15px; margin: 0 0 4px; }
.problem { color: #b42318; margin: 2px 0; }
.lead, .query, summary { color: #57606a; }
.query { font: 11px ui-monospace, monospace; overflow-wrap: anywhere; margin: 2px 0; }
ul.series { margin: 4px 0; padding-left: 18px; color: #57606a; font-size: 12px; columns: 3; }
`;

/** The page's script: a chart per panel from the embedded data, axes in the panel's unit. */
const SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('citycloud-data').textContent);
  const fmt = {
    percentunit: (v) => (v * 100).toFixed(1) + '%',
    s: (v) => (v < 1 ? (v * 1000).toFixed(1) + ' ms' : v.toFixed(2) + ' s'),
    bps: (v) => (v >= 1e9 ? (v / 1e9).toFixed(2) + ' Gbit/s' : (v / 1e6).toFixed(1) + ' Mbit/s'),
    reqps: (v) => v.toFixed(1) + ' req/s',
  };
  const colours = ['#0969da', '#1a7f37', '#8250df', '#bf8700', '#cf222e', '#0a7480', '#bc4c00', '#6e7781'];
  for (const p of data.panels) {
    const el = document.getElementById(p.id).querySelector('.plot');
    const f = fmt[p.unit] || ((v) => Number(v.toPrecision(4)).toString());
    const value = (u, v) => (v == null ? '' : f(v));
    const series = [{}];
    const columns = [p.xs];
    p.series.forEach((s, i) => {
      series.push(s.limit
        ? { label: s.name, stroke: '#b42318', width: 1.5, dash: [8, 6], value }
        : { label: s.name, stroke: colours[i % colours.length], width: 1.5, value });
      columns.push(s.values);
    });
    for (const t of p.thresholds) {
      series.push({ label: 'threshold ' + f(t), stroke: '#cf222e', width: 1, dash: [2, 4], value });
      columns.push(p.xs.map(() => t));
    }
    const plot = new uPlot({
      width: Math.min(1100, document.body.clientWidth - 20),
      height: 240,
      scales: { x: { time: true } },
      // the list under the chart names every series; uPlot's own legend only for a few
      legend: { show: p.series.length <= 8 },
      series,
      axes: [{}, { values: (u, vals) => vals.map((v) => f(v)), size: 80 }],
    }, columns, el);
    el.dataset.drawn = String(plot.series.length - 1);
  }
})();
`;

/** Each series on the range's grid of steps (null where it has no sample), for uPlot. */
function onGrid(s: StatusSnapshot, series: StatusSeries): (number | null)[] {
  const byTime = new Map(series.samples.map(([t, v]) => [Math.round(t), Number.isFinite(v) ? v : null]));
  const out: (number | null)[] = [];
  for (let t = s.start; t <= s.end; t += s.step) out.push(byTime.get(Math.round(t)) ?? null);
  return out;
}

export function statusHtml(s: StatusSnapshot): string {
  const assets = uplotAssets();
  const xs: number[] = [];
  for (let t = s.start; t <= s.end; t += s.step) xs.push(t);
  const panels = s.dashboards.flatMap((d) =>
    d.panels.map((p, i) => ({
      id: panelId(d.uid, i),
      unit: p.unit,
      thresholds: p.thresholds,
      xs,
      series: p.series.map((x) => ({ name: x.name, limit: x.limit, values: onGrid(s, x) })),
    })),
  );
  const count = panels.length;
  const failing = s.dashboards.flatMap((d) => d.panels).filter((p) => p.problems.length > 0).length;
  const sections = s.dashboards
    .map(
      (d) =>
        `<h2>${escapeHtml(d.title)}</h2>\n${d.panels
          .map(
            (
              p,
              i,
            ) => `<section class="panel" id="${escapeHtml(panelId(d.uid, i))}"><h3>${escapeHtml(p.title)}</h3>
${p.problems.map((x) => `<p class="problem">${escapeHtml(x)}</p>`).join('\n')}<div class="plot"></div>
<ul class="series">${p.series.map((x) => `<li>${escapeHtml(x.limit ? `${x.name} (limit)` : x.name)}</li>`).join('')}</ul>
<details><summary>${p.queries.length === 1 ? 'the query' : `the ${p.queries.length} queries`}</summary>${p.queries.map((q) => `<p class="query">${escapeHtml(q)}</p>`).join('\n')}</details></section>`,
          )
          .join('\n')}`,
    )
    .join('\n');
  const from = new Date(s.start * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const to = new Date(s.end * 1000).toISOString().slice(0, 16).replace('T', ' ');
  return htmlPage({
    title: `Monitoring status, ${s.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    lang: 'en',
    style: `${assets.css}\n${STYLE}`,
    body: `<h1>Monitoring status, ${escapeHtml(s.generatedAt.slice(0, 16).replace('T', ' '))} UTC</h1>
<p class="lead">${escapeHtml(`${count} panels of ${s.dashboards.length} dashboards from ${s.prometheus}, ${from} – ${to} UTC, a point every ${s.step} s${failing > 0 ? `; ${failing} without data` : ''}. The same queries as the Grafana dashboards, every variable at All.`)}</p>
${sections}`,
    dataJson: JSON.stringify({ panels }),
    script: `${assets.js}\n${SCRIPT}`,
  });
}
