/**
 * The capacity review as a page for the review meeting: the summary table sorted by days left
 * (each resource a link to its chart), then one chart per resource — the daily p95 history, the
 * trend and its forecast to the horizon with the interval of the slope's bounds, the threshold,
 * and the crossing date. Charts are drawn by uPlot (MIT), bundled into the page: self-contained,
 * nothing fetched; built with view/html-page.ts (escaped text, hash-only CSP).
 */
import { escapeHtml, htmlPage } from '../../view/html-page.ts';
import { uplotAssets } from '../../view/uplot.ts';
import { tib } from './backup-targets.ts';
import type { Review } from './capacity-review.ts';
import {
  backupTargetsMethod,
  crossText,
  fitText,
  formatValue,
  headline,
  intervalText,
  KIND_NAMES,
  TARGET_KIND_NAMES,
  targetCrossText,
  targetFillsText,
  targetIntervalText,
  toComeText,
  unforecastableText,
  warehouseBackupsText,
} from './format-review.ts';

/** The element id of a resource's chart (ids and kinds are inventory ids: letters, digits, dashes). */
export const chartId = (kind: string, id: string) => `chart-${kind}-${id}`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px 24px 80vh; color: #1b1f24; }
h1 { font-size: 22px; margin: 0 0 4px; }
.lead { font-weight: 600; margin: 8px 0 16px; }
.short { color: #b42318; }
table { border-collapse: collapse; margin-bottom: 24px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #d0d7de; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.short td { background: #fef3f2; }
section.chart { margin: 28px 0; scroll-margin-top: 12px; }
section.chart h2 { font-size: 16px; margin: 0 0 2px; }
section.chart p { margin: 0 0 6px; color: #57606a; }
.legend { color: #57606a; font-size: 12px; }
`;

/** The page's own script: reads the data and draws a chart per resource with uPlot. */
const SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('citycloud-data').textContent);
  const DAY = 86400;
  const fmt = (unit) => unit === 'ratio' ? (v) => v == null ? '' : (v * 100).toFixed(1) + '%' : (v) => v == null ? '' : (v / 1e9).toFixed(2) + ' Gbit/s';
  // an axis as wide as its widest label in the axis font (uPlot's autosize), so "10.00 Gbit/s" is never cut
  const axisSize = (u, values, i, cycle) => {
    const axis = u.axes[i];
    if (cycle > 1) return axis._size;
    const longest = (values || []).reduce((a, v) => (String(v).length > a.length ? String(v) : a), '');
    u.ctx.font = axis.font[0];
    return Math.ceil(axis.ticks.size + axis.gap + (longest ? u.ctx.measureText(longest).width / devicePixelRatio : 0));
  };
  for (const r of data.resources) {
    const el = document.getElementById(r.chartId).querySelector('.plot');
    const last = r.daily[r.daily.length - 1][0];
    const ahead = Math.min(data.horizonDays + 30, Math.max(60, (r.daysToCross ?? data.horizonDays) + 30));
    const xs = r.daily.map((d) => d[0]);
    for (let d = 1; d <= ahead; d++) xs.push(last + d * DAY);
    const n = r.daily.length;
    const hist = xs.map((x, i) => i < n ? r.daily[i][1] : null);
    // the trend from the fit's first day, then the peaks' forecast: the trend times the weekly peak
    const at = (slope, x) => (r.level + slope * (x - last) / DAY) * r.peakOverTrend;
    const fitStart = r.fitFrom;
    const trend = xs.map((x) => x >= fitStart ? r.level + r.slope * (x - last) / DAY : null);
    const peak = xs.map((x) => x >= last ? at(r.slope, x) : null);
    const low = xs.map((x) => x >= last ? at(r.slopeLow, x) : null);
    const high = xs.map((x) => x >= last ? at(r.slopeHigh, x) : null);
    const threshold = xs.map(() => r.threshold);
    const value = fmt(r.unit);
    const crossX = r.daysToCross == null ? null : last + (r.daysToCross + 1) * DAY;
    const plot = new uPlot({
      width: Math.min(1000, document.body.clientWidth - 20),
      height: 260,
      scales: { x: { time: true } },
      series: [
        {},
        { label: 'daily p95', stroke: '#0969da', width: 1.5, points: { show: false }, value: (u, v) => value(v) },
        { label: 'trend', stroke: '#8250df', width: 1, dash: [4, 4], value: (u, v) => value(v) },
        { label: 'forecast (peaks)', stroke: '#bf3989', width: 2, value: (u, v) => value(v) },
        { label: 'slope 95% low', stroke: '#e8a1c9', width: 1, value: (u, v) => value(v) },
        { label: 'slope 95% high', stroke: '#e8a1c9', width: 1, value: (u, v) => value(v) },
        { label: 'threshold', stroke: '#b42318', width: 1.5, value: (u, v) => value(v) },
      ],
      bands: [{ series: [5, 4], fill: 'rgba(191,57,137,0.12)' }],
      axes: [{}, { values: (u, vals) => vals.map(value), size: axisSize }],
      hooks: {
        draw: [(u) => {
          // how wide the y axis was drawn, for whoever checks the page
          el.dataset.axisWidth = String(Math.round(u.axes[1]._size));
        }, (u) => {
          if (crossX == null) return;
          const x = Math.round(u.valToPos(crossX, 'x', true));
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#b42318';
          ctx.setLineDash([6, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }],
      },
    }, [xs, hist, trend, peak, low, high, threshold], el);
    el.dataset.drawn = String(plot.series.length - 1);
  }
})();
`;

/** The backup targets: a table of what each holds and when it crosses, then each warehouse's part. */
function backupTargetsHtml(review: Review): string {
  if (review.backupTargets.length === 0) return '';
  const rows = review.backupTargets
    .map(
      (t, i) =>
        `<tr${t.runsShort ? ' class="short"' : ''} data-days="${t.crosses?.days ?? ''}"><td class="num">${i + 1}</td><td>${escapeHtml(t.id)}</td><td>${escapeHtml(TARGET_KIND_NAMES[t.kind])}</td><td class="num">${escapeHtml(tib(t.holdsTiB))}</td><td class="num">${escapeHtml(tib(t.atHorizonTiB))}</td><td class="num">${escapeHtml(t.capacityTiB === null ? 'not given' : tib(t.capacityTiB))}</td><td>${escapeHtml(targetCrossText(t))}</td><td>${escapeHtml(targetIntervalText(t))}</td><td>${escapeHtml(targetFillsText(t))}</td></tr>`,
    )
    .join('\n');
  const parts = review.backupTargets
    .map(
      (t) =>
        `<li>${escapeHtml(`${t.id} (${t.name})`)}<ul>${t.warehouses.length === 0 ? '<li>no warehouse backs up here</li>' : t.warehouses.map((p) => `<li>${escapeHtml(warehouseBackupsText(p))}</li>`).join('')}</ul></li>`,
    )
    .join('');
  return `<h2>Backup targets</h2><p class="legend">${escapeHtml(backupTargetsMethod(review))}</p>
<table id="backup-targets"><thead><tr><th>#</th><th>target</th><th>kind</th><th>holds now</th><th>${escapeHtml(`in ${review.horizonDays} days`)}</th><th>capacity</th><th>crosses</th><th>interval</th><th>full</th></tr></thead><tbody>
${rows}
</tbody></table>
<ul id="backup-parts">${parts}</ul>`;
}

export function reviewHtml(review: Review): string {
  const assets = uplotAssets();
  const rows = review.resources
    .map((r, i) => {
      const id = chartId(r.resource.kind, r.resource.id);
      return `<tr${r.runsShort ? ' class="short"' : ''} data-days="${r.forecast.daysToCross ?? ''}"><td class="num">${i + 1}</td><td><a href="#${escapeHtml(id)}">${escapeHtml(r.resource.id)}</a></td><td>${escapeHtml(KIND_NAMES[r.resource.kind])}</td><td class="num">${escapeHtml(formatValue(r, r.now))}</td><td class="num">${escapeHtml(formatValue(r, r.resource.threshold))}</td><td>${escapeHtml(crossText(r))}</td><td>${escapeHtml(intervalText(r))}</td></tr>`;
    })
    .join('\n');
  const charts = review.resources
    .map(
      (r) =>
        `<section class="chart" id="${escapeHtml(chartId(r.resource.kind, r.resource.id))}"><h2${r.runsShort ? ' class="short"' : ''}>${escapeHtml(r.resource.id)} — ${escapeHtml(r.resource.name)}, ${escapeHtml(KIND_NAMES[r.resource.kind])}: ${escapeHtml(crossText(r))}</h2><p>threshold ${escapeHtml(formatValue(r, r.resource.threshold))}: ${escapeHtml(r.resource.why)}; ${escapeHtml(fitText(r))}</p><div class="plot"></div></section>`,
    )
    .join('\n');
  const data = {
    horizonDays: review.horizonDays,
    resources: review.resources.map((r) => ({
      chartId: chartId(r.resource.kind, r.resource.id),
      unit: r.resource.unit,
      threshold: r.resource.threshold,
      daily: r.forecast.daily.map((d) => [d.day, d.p95]),
      fitFrom:
        r.forecast.method.kind === 'theil-sen-after-shift'
          ? r.forecast.method.shiftDay
          : (r.forecast.daily[0]?.day ?? 0),
      level: r.forecast.level,
      peakOverTrend: r.forecast.peakOverTrend,
      slope: r.forecast.slopePerDay,
      slopeLow: r.forecast.slopeLowPerDay,
      slopeHigh: r.forecast.slopeHighPerDay,
      daysToCross: r.forecast.daysToCross,
    })),
  };
  return htmlPage({
    title: `Capacity review, ${review.generatedAt.slice(0, 10)}`,
    lang: 'en',
    style: `${assets.css}\n${STYLE}`,
    body: `<h1>Capacity review, ${escapeHtml(review.generatedAt.slice(0, 10))}</h1>
<p class="lead${review.resources.some((r) => r.runsShort) || review.unforecastable.length > 0 || review.backupTargets.some((t) => t.runsShort) ? ' short' : ''}">${escapeHtml(headline(review))}</p>
<p class="legend">${escapeHtml(`History: ${review.days} days from ${review.prometheus}, each city day's 95th percentile as Prometheus computes it; horizon ${review.horizonDays} days. The forecast follows the weekly peaks; the band is the slope's 95% interval (Sen).`)}</p>
<table id="summary"><thead><tr><th>#</th><th>resource</th><th>kind</th><th>now (daily p95)</th><th>threshold</th><th>crosses</th><th>interval</th></tr></thead><tbody>
${rows}
</tbody></table>
${review.unforecastable.length === 0 ? '' : `<h2>Cannot be forecast</h2><ul id="unforecastable">${review.unforecastable.map((u) => `<li>${escapeHtml(unforecastableText(u))}</li>`).join('')}</ul>`}
${review.toCome.length === 0 ? '' : `<h2>Capacity to come</h2><p>Servers of planned phases: not built yet, so neither scraped nor forecast, and not counted above.</p><ul id="to-come">${review.toCome.map((c) => `<li>${escapeHtml(toComeText(c))}</li>`).join('')}</ul>`}
${backupTargetsHtml(review)}
${charts}`,
    dataJson: JSON.stringify(data),
    script: `${assets.js}\n${SCRIPT}`,
  });
}
