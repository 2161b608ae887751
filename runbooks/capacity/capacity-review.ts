/**
 * The capacity review: range queries by the recording rules' names (so the same queries work on
 * the real fleet and on the local stack's history), a forecast per resource, sorted by the days
 * each has left. Every way the data can fall short is a ReviewError naming what is missing.
 */
import type { CityModel } from '../../model/index.ts';
import { MAX_POINTS_PER_SERIES, type RangeSeries, rangeQuery } from '../engine/prometheus-query.ts';
import { dailyP95, type Forecast, forecast } from './forecast.ts';
import { type ReviewedResource, type ReviewOptions, reviewedResources } from './reviewed-resources.ts';

/** The review cannot be made: Prometheus unreachable, a series missing, too little history. */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

/** Asia/Ho_Chi_Minh: UTC+7, no daylight saving; the review's days are the city's. */
export const CITY_UTC_OFFSET = 7 * 3600;
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
  /** The date it crosses (YYYY-MM-DD, the city's), with the interval; null when it does not. */
  readonly crosses: { readonly on: string; readonly earliest: string; readonly latest: string | null } | null;
  readonly runsShort: boolean;
}

export interface Review {
  readonly generatedAt: string;
  readonly prometheus: string;
  readonly days: number;
  readonly horizonDays: number;
  readonly stepSeconds: number;
  /** Queries made, and the series' samples read. */
  readonly queries: readonly string[];
  readonly samples: number;
  /** Sorted by days left: the soonest first, those that never cross last. */
  readonly resources: readonly ResourceReview[];
}

/** A step that keeps each series of `days` under Prometheus' points limit: a whole minute at least. */
export function stepFor(days: number): number {
  return Math.max(60, Math.ceil((days * 86_400) / (MAX_POINTS_PER_SERIES - 1) / 60) * 60);
}

const cityDate = (t: number) => new Date((t + CITY_UTC_OFFSET) * 1000).toISOString().slice(0, 10);

/** The range queries the review makes: each record once, every object of it in one answer. */
export async function readHistory(
  resources: readonly ReviewedResource[],
  settings: ReviewSettings,
): Promise<{ series: Map<string, RangeSeries[]>; step: number }> {
  const step = stepFor(settings.days);
  const end = Math.floor(settings.now / step) * step;
  const range = { start: end - settings.days * 86_400, end, step };
  const records = [...new Set(resources.map((r) => r.record))];
  const answers = await Promise.all(records.map((q) => rangeQuery(settings.prometheus, q, range)));
  const series = new Map<string, RangeSeries[]>();
  answers.forEach((a, i) => {
    if (!a.answered) throw new ReviewError(`${a.problem} (query: ${records[i]})`);
    series.set(records[i] as string, [...a.series]);
  });
  return { series, step };
}

export async function capacityReview(model: CityModel, settings: ReviewSettings): Promise<Review> {
  const resources = reviewedResources(model, settings);
  const { series, step } = await readHistory(resources, settings);
  const reviews: ResourceReview[] = [];
  let samples = 0;
  const missing: string[] = [];
  const short: string[] = [];
  for (const resource of resources) {
    const s = series.get(resource.record)?.find((x) => x.labels[resource.label] === resource.id);
    const query = `${resource.record}{${resource.label}="${resource.id}"}`;
    if (!s || s.samples.length === 0) {
      missing.push(query);
      continue;
    }
    samples += s.samples.length;
    const daily = dailyP95(s.samples, step, CITY_UTC_OFFSET);
    if (daily.length < MIN_HISTORY_DAYS) {
      short.push(`${query}: ${daily.length} whole days`);
      continue;
    }
    const f = forecast(daily, resource.threshold);
    const lastDay = (daily.at(-1)?.day ?? settings.now) + 86_400;
    const at = (d: number | null) => (d === null ? null : cityDate(lastDay + d * 86_400));
    reviews.push({
      resource,
      forecast: f,
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
      `Prometheus at ${settings.prometheus} has no series for ${missing.length === 1 ? '' : `${missing.length} queries, first `}${missing[0]}: is it scraping the fleet with citycloud's recording rules (citycloud monitor up)?`,
    );
  if (short.length > 0)
    throw new ReviewError(
      `too little history for a forecast: ${short[0]}${short.length > 1 ? ` (and ${short.length - 1} more)` : ''}; it needs at least ${MIN_HISTORY_DAYS} whole days (monitor up backfills --history-days, 90 by default)`,
    );
  const left = (r: ResourceReview) => r.forecast.daysToCross ?? Number.POSITIVE_INFINITY;
  reviews.sort((a, b) => left(a) - left(b) || a.resource.id.localeCompare(b.resource.id));
  return {
    generatedAt: new Date(settings.now * 1000).toISOString(),
    prometheus: settings.prometheus,
    days: settings.days,
    horizonDays: settings.horizonDays,
    stepSeconds: step,
    queries: [...series.keys()],
    samples,
    resources: reviews,
  };
}
