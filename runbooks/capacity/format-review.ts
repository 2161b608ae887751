/**
 * The review as people read it: a Markdown report for the ticket (summary table sorted by days
 * left, then how each figure was made), the terminal summary, and the JSON (`--json`, schema
 * `citycloud-capacity-review/v1`, documented in README). Inventory names are escaped for Markdown.
 */

import { markdownCode, markdownText } from '../../view/markdown.ts';
import {
  type BackupTargetReview,
  tib,
  type WarehouseBackups,
  WRITE_AMPLIFICATION,
} from './backup-targets.ts';
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
  const targets = review.backupTargets.filter((t) => t.runsShort);
  const backups =
    targets.length === 0
      ? ''
      : ` The backup ${targets.length === 1 ? 'target' : 'targets'} ${targets.map((t) => t.id).join(', ')} ${targets.length === 1 ? 'is' : 'are'} forecast to cross ${targets.length === 1 ? 'its threshold' : 'their thresholds'} within ${review.horizonDays} days.`;
  // "nothing" would deny the backup targets that run short
  const nothing = targets.length === 0 ? 'Nothing' : 'No pool, warehouse or uplink';
  const cannot =
    n === 0
      ? ''
      : ` ${n} ${n === 1 ? 'resource' : 'resources'} cannot be forecast from ${n === 1 ? 'its' : 'their'} data.`;
  if (short.length === 0 && n > 0)
    return `${nothing} forecast crosses its threshold within ${review.horizonDays} days, but${cannot.charAt(1).toLowerCase()}${cannot.slice(2)}${backups}`;
  return short.length === 0
    ? `${nothing} is forecast to cross its threshold within ${review.horizonDays} days.${backups}`
    : `${short.length} of ${review.resources.length} resources ${short.length === 1 ? 'is' : 'are'} forecast to cross ${short.length === 1 ? 'its threshold' : 'their thresholds'} within ${review.horizonDays} days.${cannot}${backups}`;
}

/** What each kind of backup target is called in the reports. */
export const TARGET_KIND_NAMES: Record<BackupTargetReview['kind'], string> = {
  'second-site': 'second site',
  'offsite-bucket': 'off-site bucket',
};

/** When a backup target crosses its threshold: a date, "already over", or why it does not. */
export const targetCrossText = (t: BackupTargetReview): string => {
  if (t.capacityTiB === null) return 'no capacity given';
  if (t.crosses === null)
    return t.growthTiBPerDay.mid > 0
      ? `not crossing within ${MAX_FORECAST_DAYS / 365} years`
      : 'not crossing (not growing)';
  if (t.crosses.days === 0) return 'already over';
  return `${t.crosses.on} (${Math.round(t.crosses.days)} d)`;
};

/** The interval of a backup target's crossing, and the day it fills, when it has them. */
export const targetIntervalText = (t: BackupTargetReview): string =>
  t.crosses && t.crosses.days !== 0 ? `${t.crosses.earliest} – ${t.crosses.latest ?? 'never'}` : '';

export const targetFillsText = (t: BackupTargetReview): string =>
  t.capacityTiB === null
    ? ''
    : t.fills === null
      ? 'never'
      : t.fills.days === 0
        ? 'full now'
        : `${t.fills.on} (${Math.round(t.fills.days)} d)`;

/** A warehouse's part of its target, in a line: its data, what the target keeps of it, what that holds. */
export const warehouseBackupsText = (p: WarehouseBackups): string =>
  `${p.warehouse} (${p.engine}): ${tib(p.storedTiB)} of data, ${p.source === 'measured' ? 'as its volumes are used' : 'its volumes taken full (no forecast)'}, ${signedTib(p.storedGrowthTiBPerDay.mid * 30)} / 30 days, about ${tib(p.changesTiBPerDay)} written a day; ${p.fullBackups} full ${p.fullBackups === 1 ? 'backup' : 'backups'} and ${Math.round(p.changeDays).toLocaleString('en-US')} days' worth of ${p.engine === 'clickhouse' ? 'changes in incremental backups (each holds every change since its full backup)' : 'WAL'} (${p.retention}): ${tib(p.holdsTiB)}, ${signedTib(p.growthTiBPerDay.mid * 30)} / 30 days`;

const signedTib = (v: number) => `${v >= 0 ? '+' : '−'}${tib(Math.abs(v))}`;

/** How the backup targets' figures are made, one paragraph. */
export const backupTargetsMethod = (review: Review): string =>
  `Each warehouse's part: one copy of its data (its volumes' used share × shards × storagePerReplicaTiB, or its volumes taken full when it has no forecast) times the full backups its target keeps, plus the days of WAL or incremental changes it keeps, a day's changes assumed ${WRITE_AMPLIFICATION} × the day's growth plus ${percent(review.backupChangeSharePerDay)} of the data (--change-share: the exporters give no byte counts); uncompressed. A target with no capacity in the inventory (secondSite.capacityTiB; an S3 bucket has none) is not said to fill; one that has crosses at --storage-threshold of it.`;

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
    ...backupTargetsMarkdown(review),
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

/** The backup targets' section of the Markdown report: a table, then each warehouse's part. */
function backupTargetsMarkdown(review: Review): string[] {
  if (review.backupTargets.length === 0) return [];
  const threshold = (t: BackupTargetReview) => (t.thresholdTiB === null ? '' : tib(t.thresholdTiB));
  return [
    '## Backup targets',
    '',
    markdownText(backupTargetsMethod(review)),
    '',
    `| # | target | kind | holds now | in ${review.horizonDays} days | trend / 30 days | capacity | threshold | crosses | interval | full |`,
    '|--:|---|---|--:|--:|--:|--:|--:|---|---|---|',
    ...review.backupTargets.map(
      (t, i) =>
        `| ${i + 1} | ${t.runsShort ? '**' : ''}${markdownText(t.id)}${t.runsShort ? '**' : ''} | ${TARGET_KIND_NAMES[t.kind]} | ${tib(t.holdsTiB)} | ${tib(t.atHorizonTiB)} | ${signedTib(t.growthTiBPerDay.mid * 30)} | ${t.capacityTiB === null ? 'not given' : tib(t.capacityTiB)} | ${threshold(t)} | ${targetCrossText(t)} | ${targetIntervalText(t)} | ${targetFillsText(t)} |`,
    ),
    '',
    ...review.backupTargets.flatMap((t) => [
      `- **${markdownText(t.id)}** (${markdownText(t.name)}):`,
      ...(t.warehouses.length === 0
        ? ['  - no warehouse backs up here']
        : t.warehouses.map((p) => `  - ${markdownText(warehouseBackupsText(p))}.`)),
    ]),
    '',
  ];
}

/** The backup targets' lines of the terminal summary. */
function backupTargetsSummary(review: Review): string[] {
  if (review.backupTargets.length === 0) return [];
  const w = Math.max(13, ...review.backupTargets.map((t) => t.id.length));
  // TiB figures as wide as the widest, so the columns line up
  const n = Math.max(
    10,
    ...review.backupTargets.flatMap((t) => [tib(t.holdsTiB).length, tib(t.atHorizonTiB).length]),
  );
  return [
    '',
    `  ${'backup target'.padEnd(w)}  ${'kind'.padEnd(15)}  ${'holds'.padStart(n)}  ${`in ${review.horizonDays} d`.padStart(n)}  ${'capacity'.padStart(n)}  crosses`,
    ...review.backupTargets.map(
      (t) =>
        `${t.runsShort ? '✗' : ' '} ${t.id.padEnd(w)}  ${TARGET_KIND_NAMES[t.kind].padEnd(15)}  ${tib(t.holdsTiB).padStart(n)}  ${tib(t.atHorizonTiB).padStart(n)}  ${(t.capacityTiB === null ? '' : tib(t.capacityTiB)).padStart(n)}  ${targetCrossText(t)}${targetIntervalText(t) ? `, ${targetIntervalText(t)}` : ''}${t.fills && t.fills.days > 0 ? `; full ${targetFillsText(t)}` : ''}`,
    ),
  ];
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
    ...backupTargetsSummary(review),
    '',
    ...files.map((f) => `  wrote ${f}`),
  ].join('\n');
}

export function reviewJson(review: Review): string {
  return `${JSON.stringify({ schema: REVIEW_SCHEMA, ...review }, null, 2)}\n`;
}
