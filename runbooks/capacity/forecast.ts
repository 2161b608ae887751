/**
 * The forecast of one resource from its daily 95th percentiles: the last level shift
 * if there is one (a tenant onboarded is a step, not a slope), a Theil–Sen trend on the days
 * since (robust to outlying days), and the day it crosses its threshold with the interval the
 * slope's 95% confidence bounds give (Sen's method). Pure functions of the samples.
 */

const DAY = 86_400;

export interface DailyValue {
  /** The city day, unix seconds of its local midnight. */
  readonly day: number;
  readonly p95: number;
}

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export interface TheilSen {
  /** Per day. */
  readonly slope: number;
  readonly slopeLow: number;
  readonly slopeHigh: number;
  /** The value at x = 0. */
  readonly intercept: number;
}

/** Theil–Sen line through (x, y), with the slope's 95% bounds by Sen's method. */
export function theilSen(xs: readonly number[], ys: readonly number[]): TheilSen {
  const n = xs.length;
  // every pair's slope, sorted as numbers (a typed array sorts numerically, without a comparator)
  const all = new Float64Array((n * (n - 1)) / 2);
  let N = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) all[N++] = ((ys[j] as number) - (ys[i] as number)) / dx;
    }
  const slopes = all.subarray(0, N).sort();
  const m = N >> 1;
  const slope =
    N === 0 ? 0 : N % 2 ? (slopes[m] as number) : ((slopes[m - 1] as number) + (slopes[m] as number)) / 2;
  const intercept = median(ys.map((y, i) => y - slope * (xs[i] as number)));
  const c = 1.96 * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const low = Math.max(0, Math.floor((N - c) / 2) - 1);
  const high = Math.min(N - 1, Math.ceil((N + c) / 2) - 1);
  return { slope, slopeLow: slopes[low] ?? slope, slopeHigh: slopes[high] ?? slope, intercept };
}

/**
 * The last level shift: the day from which the series sits at another level than the week
 * before, by more than the series' own week-to-week change explains (the median of the 7 days
 * after against the 7 before, set against how that difference usually varies — a week's median
 * cancels the weekly cycle — and at least 2% of the level, so a smooth series has no steps).
 * Null when there is none.
 */
export function lastLevelShift(ys: readonly number[], window = 7): number | null {
  const n = ys.length;
  if (n < 3 * window) return null;
  const jumps: { i: number; d: number }[] = [];
  for (let i = window; i <= n - window; i++)
    jumps.push({ i, d: median(ys.slice(i, i + window)) - median(ys.slice(i - window, i)) });
  const usual = median(jumps.map((j) => j.d));
  const spread = median(jumps.map((j) => Math.abs(j.d - usual))) / 0.6745;
  const threshold = Math.max(5 * spread, 0.02 * Math.abs(median(ys)));
  // the last run of outstanding windows holds the step; the windows that straddle it a little
  // (a median of 7 flips at 4) see it as fully as the one at it, so take the middle of the run's
  // top: the step itself on a clean series, the largest jump on a noisy one
  let run: { i: number; d: number }[] = [];
  for (const j of jumps)
    if (Math.abs(j.d - usual) > threshold)
      run = run.length > 0 && j.i - (run.at(-1) as { i: number }).i > 1 ? [j] : [...run, j];
  if (run.length === 0) return null;
  const top = Math.max(...run.map((j) => Math.abs(j.d - usual)));
  const plateau = run.filter((j) => Math.abs(j.d - usual) >= 0.98 * top);
  return (plateau[Math.floor((plateau.length - 1) / 2)] as { i: number }).i;
}

export type FitMethod =
  | { readonly kind: 'theil-sen'; readonly days: number }
  | { readonly kind: 'theil-sen-after-shift'; readonly days: number; readonly shiftDay: number };

export interface Forecast {
  readonly daily: readonly DailyValue[];
  readonly method: FitMethod;
  /** The fitted level on the last day, and its change per day with 95% bounds. */
  readonly level: number;
  /**
   * How far the busiest days of the last four weeks rose above the trend, as a ratio (the weekly
   * cycle's peak, which grows with the load): the daily p95 crosses the threshold when the trend
   * times this does.
   */
  readonly peakOverTrend: number;
  readonly slopePerDay: number;
  readonly slopeLowPerDay: number;
  readonly slopeHighPerDay: number;
  readonly threshold: number;
  /**
   * Days after the last day until the fit reaches the threshold: 0 when already over, null when
   * it never does (flat or falling); with the earliest and latest days the slope bounds give.
   */
  readonly daysToCross: number | null;
  readonly daysToCrossEarliest: number | null;
  readonly daysToCrossLatest: number | null;
}

/**
 * The furthest a crossing is forecast: a century. A slope of almost nothing would put it past any
 * date a calendar can write; past this it is "not within a century" (null).
 */
export const MAX_FORECAST_DAYS = 36_500;

/** Fewest days since a level shift that a trend is fitted on. */
export const MIN_FIT_DAYS = 14;
/** The days whose peaks above the trend are the weekly cycle's: the last four weeks. */
const PEAK_DAYS = 28;

export function forecast(daily: readonly DailyValue[], threshold: number): Forecast {
  const shift = lastLevelShift(daily.map((d) => d.p95));
  // the step itself is no trend: fit after it, when there are days enough to fit
  const from = shift !== null && daily.length - shift >= MIN_FIT_DAYS ? shift : 0;
  const part = daily.slice(from);
  const last = daily.at(-1) as DailyValue;
  const xs = part.map((d) => (d.day - last.day) / DAY);
  const fit = theilSen(
    xs,
    part.map((d) => d.p95),
  );
  const level = fit.intercept;
  const recent = part.slice(-PEAK_DAYS);
  const trendAt = (day: number) => level + fit.slope * ((day - last.day) / DAY);
  const peakOverTrend = Math.max(1, ...recent.map((d) => (trendAt(d.day) > 0 ? d.p95 / trendAt(d.day) : 1)));
  // the trend's own level at which the peaks reach the threshold
  const trendLimit = threshold / peakOverTrend;
  const over = level >= trendLimit;
  const days = (slope: number) => {
    if (over) return 0;
    const d = slope > 0 ? (trendLimit - level) / slope : null;
    return d !== null && Number.isFinite(d) && d <= MAX_FORECAST_DAYS ? d : null;
  };
  return {
    daily,
    method:
      from > 0
        ? { kind: 'theil-sen-after-shift', days: part.length, shiftDay: (daily[from] as DailyValue).day }
        : { kind: 'theil-sen', days: part.length },
    level,
    peakOverTrend,
    slopePerDay: fit.slope,
    slopeLowPerDay: fit.slopeLow,
    slopeHighPerDay: fit.slopeHigh,
    threshold,
    daysToCross: days(fit.slope),
    daysToCrossEarliest: days(fit.slopeHigh),
    daysToCrossLatest: days(fit.slopeLow),
  };
}
