/**
 * The capacity review: range queries by the recording rules' names (so the same queries work on
 * the real fleet and on the local stack's history), a forecast per resource, sorted by the days
 * each has left. Every way the data can fall short is a ReviewError naming what is missing.
 */
import { CITY_UTC_OFFSET, cityMidnight } from '../../model/city-time.ts';
import { type CityModel, serversInService, UserError } from '../../model/index.ts';
import { WAREHOUSE_VOLUME_CAPACITY } from '../../monitoring/metrics/warehouse-volume.ts';
import { FEDERATE_CURRENT_JOB } from '../../monitoring/rules/federation-rules.ts';
import { VOLUME_CAPACITY_PARTIAL } from '../../monitoring/rules/warehouse-rules.ts';
import {
  activeTargets,
  hasScrapeJob,
  instantQuery,
  type RangeAnswer,
  rangeQuery,
  shownUrl,
  type TargetsAnswer,
} from '../engine/prometheus-query.ts';
import {
  type BackupTargetReview,
  backupTargets,
  DEFAULT_CHANGE_SHARE_PER_DAY,
  measuredStoredData,
  type StoredData,
} from './backup-targets.ts';
import { type DailyValue, type Forecast, forecast } from './forecast.ts';
import { type ReviewedResource, type ReviewOptions, reviewedResources } from './reviewed-resources.ts';

/** The review cannot be made: Prometheus unreachable, a series missing, too little history. */
export class ReviewError extends UserError {
  /** Exit 2: the history cannot be read. */
  readonly exitCode = 2;
}

/** The fewest whole days of history a forecast is made from. */
export const MIN_HISTORY_DAYS = 28;

export interface ReviewSettings extends ReviewOptions {
  readonly prometheus: string;
  /** History read, days. */
  readonly days: number;
  /** Crossings within this many days run short. */
  readonly horizonDays: number;
  /** The review's "now", unix seconds. */
  readonly now: number;
}

export interface ResourceReview {
  readonly resource: ReviewedResource;
  readonly forecast: Forecast;
  /** The latest whole day's 95th percentile: where the resource stands now. */
  readonly now: number;
  /** Days whose value was left out: NaN, infinite, negative or absurdly over the threshold. */
  readonly dropped: number;
  /** The date it crosses (YYYY-MM-DD, the city's), with the interval; null when it does not. */
  readonly crosses: { readonly on: string; readonly earliest: string; readonly latest: string | null } | null;
  readonly runsShort: boolean;
}

/** A resource whose history has too few usable days to forecast, and why. */
export interface Unforecastable {
  readonly resource: ReviewedResource;
  readonly days: number;
  readonly dropped: number;
  readonly reason: string;
}

/**
 * A pool's servers of a planned phase: capacity to come, not forecast (it has no history), shown
 * so the review says what the plan adds and when it arrives (the phase, as the model names it).
 */
export interface CapacityToCome {
  readonly pool: string;
  readonly name: string;
  readonly phase: string;
  readonly phaseName: string;
  readonly servers: number;
  readonly cpuCores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

/** The planned servers of each pool, by phase, in the model's order. */
export function capacityToCome(model: CityModel): CapacityToCome[] {
  const models = new Map(model.serverModels.map((m) => [m.id, m]));
  const phases = new Map(model.phases.map((p) => [p.id, p]));
  const found = new Map<string, CapacityToCome>();
  for (const s of model.servers) {
    const phase = phases.get(s.phase);
    if (!phase || phase.status === 'in-service') continue;
    const m = models.get(s.model);
    const key = `${s.pool}\u0000${s.phase}`;
    const was = found.get(key) ?? {
      pool: s.pool,
      name: model.pools.find((p) => p.id === s.pool)?.name ?? s.pool,
      phase: phase.id,
      phaseName: phase.name,
      servers: 0,
      cpuCores: 0,
      memoryGiB: 0,
      gpus: 0,
    };
    found.set(key, {
      ...was,
      servers: was.servers + 1,
      cpuCores: was.cpuCores + (m?.cores ?? 0),
      memoryGiB: was.memoryGiB + (m?.memoryGiB ?? 0),
      gpus: was.gpus + (m?.gpus ?? 0),
    });
  }
  return [...found.values()];
}

export interface Review {
  readonly generatedAt: string;
  readonly prometheus: string;
  readonly days: number;
  readonly horizonDays: number;
  /** Queries made, and the samples Prometheus reduced to daily figures for them. */
  readonly queries: readonly string[];
  readonly samples: number;
  /** Sorted by days left: the soonest first, those that never cross last. */
  readonly resources: readonly ResourceReview[];
  /** Resources the data cannot forecast: the review cannot vouch for them (exit 1). */
  readonly unforecastable: readonly Unforecastable[];
  /** What the planned phases add, pool by pool: not forecast, not counted in the figures above. */
  readonly toCome: readonly CapacityToCome[];
  /** The second site and the off-site buckets: what they hold of the warehouses' backups, soonest to cross first. */
  readonly backupTargets: readonly BackupTargetReview[];
  /** The share of a warehouse's data assumed rewritten a day, which the backup targets' figures take. */
  readonly backupChangeSharePerDay: number;
}

/**
 * Whether a day's value can be used: a number, not negative (no utilisation, volume or traffic
 * is), and not over a thousand times the threshold (no measurement is; such a value is a broken
 * exporter or a hostile one, and would swamp the trend).
 */
const usable = (v: number, threshold: number) => Number.isFinite(v) && v >= 0 && v <= threshold * 1000;

const DAY = 86_400;
const cityDate = (t: number) => new Date((t + CITY_UTC_OFFSET) * 1000).toISOString().slice(0, 10);

/** Each object's daily p95 and the samples behind each day, from one record's two range queries. */
export interface RecordHistory {
  readonly series: readonly {
    readonly labels: Readonly<Record<string, string>>;
    readonly daily: DailyValue[];
  }[];
  readonly samples: number;
}

/**
 * The history of each record as Prometheus itself reduces it: the 95th percentile of each city
 * day (`quantile_over_time(0.95, record[1d])` evaluated at every city midnight) and how many
 * samples each day had (`count_over_time`), so a day with less than 80% of the usual count (the
 * first day of the history, a Prometheus outage) is left out. One point per day and object comes
 * back instead of every sample: the reduction runs where the data is.
 */
export async function readHistory(
  resources: readonly ReviewedResource[],
  settings: ReviewSettings,
): Promise<{ histories: Map<string, RecordHistory>; queries: string[] }> {
  // the last city midnight: the day under way is not whole yet
  const end = cityMidnight(settings.now);
  const range = { start: end - (settings.days - 1) * DAY, end, step: DAY };
  const records = [...new Set(resources.map((r) => r.record))];
  const queries = records.flatMap((r) => [`quantile_over_time(0.95, ${r}[1d])`, `count_over_time(${r}[1d])`]);
  const answers = await Promise.all(queries.map((q) => rangeQuery(settings.prometheus, q, range)));
  const histories = new Map<string, RecordHistory>();
  records.forEach((record, i) => {
    const p95 = answers[2 * i] as RangeAnswer;
    const counts = answers[2 * i + 1] as RangeAnswer;
    for (const [a, q] of [
      [p95, queries[2 * i]],
      [counts, queries[2 * i + 1]],
    ] as const)
      if (!a.answered) throw new ReviewError(`${a.problem} (query: ${q})`);
    if (!p95.answered || !counts.answered) return;
    const key = (labels: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(labels).sort());
    const countOf = new Map(counts.series.map((s) => [key(s.labels), new Map(s.samples)]));
    const series: { labels: Readonly<Record<string, string>>; daily: DailyValue[] }[] = [];
    let samples = 0;
    for (const s of p95.series) {
      const count = countOf.get(key(s.labels)) ?? new Map<number, number>();
      const usual = median([...count.values()]);
      samples += [...count.values()].reduce((sum, c) => sum + c, 0);
      const days = s.samples
        .filter(([t]) => (count.get(t) ?? 0) >= 0.8 * usual)
        .map(([t, v]) => ({ day: t - DAY, p95: v }));
      series.push({ labels: s.labels, daily: days });
    }
    histories.set(record, { series, samples });
  });
  return { histories, queries };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * The node targets Prometheus scrapes: a Prometheus just started lists its targets only after its
 * discovery's first update (5 s), so wait for them, up to 15 s. A global Prometheus has no node
 * job: the shards' targets are the `up{job="node"}` series it federates from them.
 */
async function nodeTargets(model: CityModel, prometheus: string): Promise<TargetsAnswer> {
  // every server of the inventory already scraped: nothing to scale, no target list to read
  const up = await instantQuery(prometheus, 'count(up{job="node"})');
  if (up.answered && up.samples[0]?.value === serversInService(model).length)
    return { answered: true, targets: [] };
  if (!(await hasScrapeJob(prometheus, 'node'))) return federatedNodes(prometheus);
  return askUntil(async (last) => {
    const t = await activeTargets(prometheus, 'node');
    return !t.answered || t.targets.length > 0 || last ? t : null;
  });
}

/**
 * Asks every half second, for up to 15 s, until `attempt` gives its answer (not null); the attempt
 * told it is the last must give one.
 */
async function askUntil<T>(attempt: (last: boolean) => Promise<T | null>): Promise<T> {
  const until = Date.now() + 15_000;
  for (;;) {
    const answer = await attempt(Date.now() > until);
    if (answer !== null) return answer;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The node targets of every shard, as a global Prometheus federates their `up`: only once each
 * shard has answered the federation (up to 15 s), since a shard not read would make its servers
 * look removed from the fleet. None when this Prometheus federates nothing.
 */
async function federatedNodes(prometheus: string): Promise<TargetsAnswer> {
  if (!(await hasScrapeJob(prometheus, FEDERATE_CURRENT_JOB))) return { answered: true, targets: [] };
  return askUntil(async (last): Promise<TargetsAnswer | null> => {
    const [shards, read] = await Promise.all([
      activeTargets(prometheus, FEDERATE_CURRENT_JOB),
      instantQuery(prometheus, `up{job="${FEDERATE_CURRENT_JOB}"} == 1`),
    ]);
    if (!shards.answered) return shards;
    if (!read.answered) return read;
    const answering = new Set(read.samples.map((s) => s.labels.instance));
    const silent = shards.targets.map((t) => t.instance ?? '').filter((i) => !answering.has(i));
    if (silent.length === 0) {
      const nodes = await instantQuery(prometheus, 'up{job="node"}');
      return nodes.answered ? { answered: true, targets: nodes.samples.map((s) => s.labels) } : nodes;
    }
    return last
      ? {
          answered: false,
          problem: `the global Prometheus at ${shownUrl(prometheus)} cannot read shard(s) ${silent.join(', ')}, so which servers its history covers is not known`,
        }
      : null;
  });
}

/**
 * How the inventory's capacity compares with the capacity the history was measured on, per
 * resource: a pool's history is a share of the servers Prometheus scrapes (its node targets, or
 * with shards those the global federates), a warehouse's of the volumes its exporter reports (or
 * the shards' sums of them); an inventory that adds servers or volumes (a proposal applied)
 * scales the measured shares down by as much. 1 where nothing changed.
 */
async function capacityScales(model: CityModel, prometheus: string): Promise<Map<string, number>> {
  const scales = new Map<string, number>();
  const [targets, volumes] = await Promise.all([
    nodeTargets(model, prometheus),
    instantQuery(
      prometheus,
      `sum by (warehouse) (${WAREHOUSE_VOLUME_CAPACITY}) or sum by (warehouse) (${VOLUME_CAPACITY_PARTIAL})`,
    ),
  ]);
  if (!targets.answered) throw new ReviewError(targets.problem);
  const nodes = targets.targets;
  if (nodes.length > 0) {
    const scraped = new Set(nodes.map((t) => t.instance));
    const models = new Map(model.serverModels.map((m) => [m.id, m]));
    for (const pool of model.pools)
      for (const [kind, of] of [
        ['pool-cpu', 'cores'],
        ['pool-memory', 'memoryGiB'],
      ] as const) {
        let measured = 0;
        let planned = 0;
        for (const s of model.servers)
          if (s.pool === pool.id) {
            const c = models.get(s.model)?.[of] ?? 0;
            planned += c;
            if (scraped.has(s.name)) measured += c;
          }
        if (measured > 0 && planned > 0) scales.set(`${kind} ${pool.id}`, measured / planned);
      }
  }
  if (volumes.answered)
    for (const x of volumes.samples) {
      const w = model.warehouses.find((y) => y.id === x.labels.warehouse);
      if (w)
        scales.set(
          `warehouse-storage ${w.id}`,
          x.value / (w.shards * w.replicas * w.storagePerReplicaTiB * 1024 ** 4),
        );
    }
  return scales;
}

export async function capacityReview(model: CityModel, settings: ReviewSettings): Promise<Review> {
  const resources = reviewedResources(model, settings);
  const [{ histories, queries }, scales] = await Promise.all([
    readHistory(resources, settings),
    capacityScales(model, settings.prometheus),
  ]);
  const reviews: ResourceReview[] = [];
  const unforecastable: Unforecastable[] = [];
  const missing: string[] = [];
  const short: string[] = [];
  for (const resource of resources) {
    const daily = histories
      .get(resource.record)
      ?.series.find((x) => x.labels[resource.label] === resource.id)?.daily;
    const query = `${resource.record}{${resource.label}="${resource.id}"}`;
    if (!daily) {
      missing.push(query);
      continue;
    }
    const scale = scales.get(`${resource.kind} ${resource.id}`) ?? 1;
    const kept = daily.filter((d) => usable(d.p95, resource.threshold));
    const dropped = daily.length - kept.length;
    const scaled = scale === 1 ? kept : kept.map((d) => ({ day: d.day, p95: d.p95 * scale }));
    if (kept.length < MIN_HISTORY_DAYS) {
      if (dropped === 0) short.push(`${query}: ${daily.length} whole days`);
      else
        unforecastable.push({
          resource,
          days: kept.length,
          dropped,
          reason: `only ${kept.length} of its ${daily.length} whole days have a usable value (${dropped} NaN, infinite, negative or over 1000× the threshold); a forecast needs ${MIN_HISTORY_DAYS}`,
        });
      continue;
    }
    const f = forecast(scaled, resource.threshold);
    if (
      ![f.level, f.slopePerDay, f.slopeLowPerDay, f.slopeHighPerDay, f.peakOverTrend].every(Number.isFinite)
    ) {
      unforecastable.push({
        resource,
        days: kept.length,
        dropped,
        reason: 'its trend cannot be computed from its values (they overflow)',
      });
      continue;
    }
    const lastDay = (daily.at(-1)?.day ?? settings.now) + DAY;
    const at = (d: number | null) => (d === null ? null : cityDate(lastDay + d * DAY));
    reviews.push({
      resource,
      forecast: f,
      now: (scaled.at(-1) as DailyValue).p95,
      dropped,
      crosses:
        f.daysToCross === null
          ? null
          : {
              on: at(f.daysToCross) as string,
              earliest: at(f.daysToCrossEarliest) as string,
              latest: at(f.daysToCrossLatest),
            },
      runsShort: f.daysToCross !== null && f.daysToCross <= settings.horizonDays,
    });
  }
  if (missing.length > 0)
    throw new ReviewError(
      `Prometheus at ${shownUrl(settings.prometheus)} has no series for ${missing.length === 1 ? '' : `${missing.length} queries, first `}${missing[0]}: is it scraping the fleet with citycloud's recording rules (citycloud monitor up)?`,
    );
  if (short.length > 0)
    throw new ReviewError(
      `too little history for a forecast: ${short[0]}${short.length > 1 ? ` (and ${short.length - 1} more)` : ''}; it needs at least ${MIN_HISTORY_DAYS} whole days (monitor up backfills --history-days, 90 by default)`,
    );
  const left = (r: ResourceReview) => r.forecast.daysToCross ?? Number.POSITIVE_INFINITY;
  reviews.sort((a, b) => left(a) - left(b) || a.resource.id.localeCompare(b.resource.id));
  // each warehouse's data as its volumes' forecast has it; one that cannot be forecast is sized from the model
  const stored = new Map<string, StoredData>();
  for (const r of reviews) {
    const w = r.resource.kind === 'warehouse-storage' && model.warehouses.find((x) => x.id === r.resource.id);
    if (w)
      stored.set(
        w.id,
        measuredStoredData(w, {
          now: r.now,
          slope: r.forecast.slopePerDay,
          low: r.forecast.slopeLowPerDay,
          high: r.forecast.slopeHighPerDay,
        }),
      );
  }
  const changeShare = settings.changeSharePerDay ?? DEFAULT_CHANGE_SHARE_PER_DAY;
  return {
    generatedAt: new Date(settings.now * 1000).toISOString(),
    prometheus: shownUrl(settings.prometheus),
    days: settings.days,
    horizonDays: settings.horizonDays,
    queries,
    samples: [...histories.values()].reduce((sum, h) => sum + h.samples, 0),
    resources: reviews,
    unforecastable,
    toCome: capacityToCome(model),
    backupTargets: backupTargets(model, stored, {
      horizonDays: settings.horizonDays,
      storageThreshold: settings.storageThreshold,
      changeSharePerDay: changeShare,
      from: cityMidnight(settings.now),
    }),
    backupChangeSharePerDay: changeShare,
  };
}
