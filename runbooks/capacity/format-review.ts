/**
 * The review as people read it: a Markdown report for the ticket (summary table sorted by days
 * left, then how each figure was made), the terminal summary, and the JSON (`--json`, schema
 * `citycloud-capacity-review/v1`, documented in README). Inventory names are escaped for Markdown.
 */

import { markdownCode, markdownText } from '../../view/markdown.ts';
import type { ResourceReview, Review } from './capacity-review.ts';
import { MAX_FORECAST_DAYS } from './forecast.ts';
import type { ResourceKind } from './reviewed-resources.ts';

export const REVIEW_SCHEMA = 'citycloud-capacity-review/v1';

/** What each kind of resource is called in the reports. */
export const KIND_NAMES: Record<ResourceKind, string> = {
  'pool-cpu': 'pool CPU',
  'pool-memory': 'pool memory',
  'warehouse-storage': 'warehouse storage',
  uplink: 'district uplink',
};

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const gbps = (v: number) => `${(v / 1e9).toFixed(2)} Gbit/s`;
export const formatValue = (r: ResourceReview, v: number) =>
  r.resource.unit === 'ratio' ? percent(v) : gbps(v);

/** The trend over 30 days, in the unit's own terms. */
const trend = (r: ResourceReview) => {
  const d = r.forecast.slopePerDay * 30;
  const sign = d >= 0 ? '+' : '−';
  return r.resource.unit === 'ratio'
    ? `${sign}${Math.abs(d * 100).toFixed(1)} pts`
    : `${sign}${(Math.abs(d) / 1e6).toFixed(0)} Mbit/s`;
};

export const fitText = (r: ResourceReview) =>
  r.forecast.method.kind === 'theil-sen'
    ? `Theil–Sen, ${r.forecast.method.days} days`
    : `Theil–Sen on the ${r.forecast.method.days} days since a level shift on ${new Date((r.forecast.method.shiftDay + 7 * 3600) * 1000).toISOString().slice(0, 10)}`;

export const crossText = (r: ResourceReview) => {
  const f = r.forecast;
  if (f.daysToCross === null)
    return f.slopePerDay > 0
      ? `not crossing within ${MAX_FORECAST_DAYS / 365} years`
      : 'not crossing (flat or falling)';
  if (f.daysToCross === 0) return 'already over';
  return `${r.crosses?.on} (${Math.round(f.daysToCross)} d)`;
};

export const intervalText = (r: ResourceReview) =>
  r.crosses && r.forecast.daysToCross !== 0 ? `${r.crosses.earliest} – ${r.crosses.latest ?? 'never'}` : '';

export function headline(review: Review): string {
  const short = review.resources.filter((r) => r.runsShort);
  const n = review.unforecastable.length;
  const cannot =
    n === 0
      ? ''
      : ` ${n} ${n === 1 ? 'resource' : 'resources'} cannot be forecast from ${n === 1 ? 'its' : 'their'} data.`;
  if (short.length === 0 && n > 0)
    return `Nothing forecast crosses its threshold within ${review.horizonDays} days, but${cannot.charAt(1).toLowerCase()}${cannot.slice(2)}`;
  return short.length === 0
    ? `Nothing is forecast to cross its threshold within ${review.horizonDays} days.`
    : `${short.length} of ${review.resources.length} resources ${short.length === 1 ? 'is' : 'are'} forecast to cross ${short.length === 1 ? 'its threshold' : 'their thresholds'} within ${review.horizonDays} days.${cannot}`;
}

/** Days left out of a resource's history, said where its figures are explained. */
const droppedText = (dropped: number) =>
  dropped === 0
    ? ''
    : `; ${dropped} ${dropped === 1 ? 'day' : 'days'} left out (NaN, infinite, negative or over 1000× the threshold)`;

/** Why a resource could not be forecast, one line. */
/** A pool's capacity to come, in a line: what, how much, with which phase. */
export const toComeText = (c: Review['toCome'][number]): string =>
  `${c.pool} (${c.name}): ${c.servers} ${c.servers === 1 ? 'server' : 'servers'}, ${c.cpuCores.toLocaleString('en-US')} cores, ${c.memoryGiB.toLocaleString('en-US')} GiB${c.gpus > 0 ? `, ${c.gpus.toLocaleString('en-US')} GPUs` : ''}, with phase ${c.phase} (${c.phaseName})`;

export const unforecastableText = (u: Review['unforecastable'][number]) =>
  `${u.resource.id} (${KIND_NAMES[u.resource.kind]}): ${u.reason}`;

export function reviewMarkdown(review: Review): string {
  const row = (r: ResourceReview, i: number) =>
    `| ${i + 1} | ${r.runsShort ? '**' : ''}${markdownText(r.resource.id)}${r.runsShort ? '**' : ''} | ${KIND_NAMES[r.resource.kind]} | ${formatValue(r, r.now)} | ${formatValue(r, r.resource.threshold)} | ${trend(r)} | ${crossText(r)} | ${intervalText(r)} |`;
  const lines = [
    `# Capacity review, ${review.generatedAt.slice(0, 10)}`,
    '',
    `**${headline(review)}**`,
    '',
    `History: ${review.days} days from ${markdownText(review.prometheus)}, each city day's 95th percentile as Prometheus computes it (${review.queries.length} range queries over ${review.samples.toLocaleString('en-US')} samples). Horizon: ${review.horizonDays} days. The interval is the 95% confidence of the trend's slope (Sen).`,
    '',
    '| # | resource | kind | now (daily p95) | threshold | trend / 30 days | crosses | interval |',
    '|--:|---|---|--:|--:|--:|---|---|',
    ...review.resources.map(row),
    '',
    ...(review.unforecastable.length === 0
      ? []
      : [
          '## Cannot be forecast',
          '',
          ...review.unforecastable.map(
            (u) =>
              `- **${markdownText(u.resource.id)}** (${markdownText(u.resource.name)}), ${KIND_NAMES[u.resource.kind]}: ${markdownCode(`${u.resource.record}{${u.resource.label}="${u.resource.id}"}`)}: ${markdownText(u.reason)}.`,
          ),
          '',
        ]),
    ...(review.toCome.length === 0
      ? []
      : [
          '## Capacity to come',
          '',
          'Servers of planned phases: not built yet, so neither scraped nor forecast, and not counted above.',
          '',
          ...review.toCome.map((c) => `- ${markdownText(toComeText(c))}.`),
          '',
        ]),
    '## How each figure was made',
    '',
    ...review.resources.map(
      (r) =>
        `- **${markdownText(r.resource.id)}** (${markdownText(r.resource.name)}), ${KIND_NAMES[r.resource.kind]}: ${markdownCode(`${r.resource.record}{${r.resource.label}="${r.resource.id}"}`)}; threshold ${formatValue(r, r.resource.threshold)}, ${markdownText(r.resource.why)}; ${fitText(r)}${droppedText(r.dropped)}.`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** The terminal summary: the headline, then the resources that run short and the next few. */
export function reviewSummary(review: Review, files: readonly string[]): string {
  const shown = review.resources.filter((r, i) => r.runsShort || i < 5);
  const w = Math.max(8, ...shown.map((r) => r.resource.id.length));
  return [
    headline(review),
    '',
    `  ${'resource'.padEnd(w)}  ${'kind'.padEnd(17)}  ${'now'.padStart(12)}  ${'threshold'.padStart(12)}  crosses`,
    ...shown.map(
      (r) =>
        `${r.runsShort ? '✗' : ' '} ${r.resource.id.padEnd(w)}  ${KIND_NAMES[r.resource.kind].padEnd(17)}  ${formatValue(r, r.now).padStart(12)}  ${formatValue(r, r.resource.threshold).padStart(12)}  ${crossText(r)}${intervalText(r) ? `, ${intervalText(r)}` : ''}`,
    ),
    ...(review.resources.length > shown.length
      ? [
          `  … and ${review.resources.length - shown.length} more, none crossing within ${review.horizonDays} days`,
        ]
      : []),
    ...review.unforecastable.map((u) => `? ${unforecastableText(u)}`),
    ...review.toCome.map((c) => `+ to come: ${toComeText(c)}`),
    '',
    ...files.map((f) => `  wrote ${f}`),
  ].join('\n');
}

export function reviewJson(review: Review): string {
  return `${JSON.stringify({ schema: REVIEW_SCHEMA, ...review }, null, 2)}\n`;
}
