import { describe, expect, it } from 'vitest';
import { forecast, lastLevelShift, theilSen } from '../../runbooks/capacity/forecast.ts';

const DAY = 86_400;
/** A daily series: a level, a slope per day, a weekly cycle, a step from `stepAt`. */
const series = (
  n: number,
  o: { level: number; slope: number; weekly?: number; step?: number; stepAt?: number },
) =>
  Array.from({ length: n }, (_, i) => ({
    day: i * DAY,
    p95:
      (o.level + o.slope * i) * (1 + (o.weekly ?? 0) * Math.sin((2 * Math.PI * i) / 7)) +
      (o.stepAt !== undefined && i >= o.stepAt ? (o.step ?? 0) : 0),
  }));

describe('forecast', () => {
  it('fits an exact line exactly, its slope inside its 95% bounds', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i);
    const fit = theilSen(
      xs,
      xs.map((x) => 2 + 0.5 * x),
    );
    expect(fit.slope).toBe(0.5);
    expect(fit.intercept).toBe(2);
    expect(fit.slopeLow).toBeLessThanOrEqual(0.5);
    expect(fit.slopeHigh).toBeGreaterThanOrEqual(0.5);
  });

  it('shrugs off outlying days that would drag least squares', () => {
    const xs = Array.from({ length: 60 }, (_, i) => i);
    const ys = xs.map((x) => 0.5 + 0.001 * x + (x % 10 === 0 ? 0.3 : 0));
    expect(theilSen(xs, ys).slope).toBeCloseTo(0.001, 6);
  });

  it('finds a step under a weekly cycle, and none in a smooth or a cycling series', () => {
    expect(
      lastLevelShift(
        series(90, { level: 0.5, slope: 0.001, weekly: 0.1, step: 0.05, stepAt: 60 }).map((d) => d.p95),
      ),
    ).toBe(60);
    expect(lastLevelShift(series(90, { level: 0.5, slope: 0.001 }).map((d) => d.p95))).toBeNull();
    expect(
      lastLevelShift(series(90, { level: 0.5, slope: 0.001, weekly: 0.1 }).map((d) => d.p95)),
    ).toBeNull();
  });

  it('fits after the step, so the step is not read as growth', () => {
    const f = forecast(series(90, { level: 0.5, slope: 0.0005, step: 0.1, stepAt: 60 }), 0.9);
    expect(f.method).toEqual({ kind: 'theil-sen-after-shift', days: 30, shiftDay: 60 * DAY });
    expect(f.slopePerDay).toBeCloseTo(0.0005, 6);
    // least squares on the whole series would read the step as three times the growth
    const xs = [...Array(90).keys()];
    const ys = series(90, { level: 0.5, slope: 0.0005, step: 0.1, stepAt: 60 }).map((d) => d.p95);
    const mx = xs.reduce((a, b) => a + b) / 90;
    const my = ys.reduce((a, b) => a + b) / 90;
    const ls =
      xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] as number) - my), 0) /
      xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    expect(ls).toBeGreaterThan(0.0015);
  });

  it('crosses when the weekly peaks reach the threshold; never when flat; at once when over', () => {
    const f = forecast(series(90, { level: 0.5, slope: 0.001, weekly: 0.1 }), 0.8);
    const peaks = series(400, { level: 0.5, slope: 0.001, weekly: 0.1 });
    const truth = (peaks.findIndex((d) => d.p95 >= 0.8) as number) - 89;
    expect(Math.abs((f.daysToCross as number) - truth)).toBeLessThanOrEqual(7);
    expect(forecast(series(90, { level: 0.5, slope: 0 }), 0.8).daysToCross).toBeNull();
    expect(forecast(series(90, { level: 0.85, slope: 0.001 }), 0.8).daysToCross).toBe(0);
  });
});
