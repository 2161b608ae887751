/**
 * The capacity review's page in headless Chromium: self-contained (no request leaves it), no
 * console error, every chart drawn by uPlot, the summary sorted by days left, a resource picked
 * in the table scrolls to its chart, inventory text shown as text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Review } from '../../runbooks/capacity/capacity-review.ts';
import { type DailyValue, forecast } from '../../runbooks/capacity/forecast.ts';
import { chartId, reviewHtml } from '../../runbooks/capacity/review-html.ts';
import type { ReviewedResource } from '../../runbooks/capacity/reviewed-resources.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { tempDir } from '../helpers/city.ts';
import { CHROMIUM_BROWSER, describeWith } from '../helpers/needs.ts';

const DAY = 86_400;
const START = Date.UTC(2026, 8, 1) / 1000 - 7 * 3600;
const daily = (level: number, slope: number): DailyValue[] =>
  Array.from({ length: 90 }, (_, i) => ({
    day: START + i * DAY,
    p95: (level + slope * i) * (1 + 0.05 * Math.sin((2 * Math.PI * i) / 7)),
  }));

/** A review of five resources, made by the real forecast from synthetic history. */
function review(): Review {
  const cases: [string, number, number, ReviewedResource['kind']][] = [
    ['flat', 0.4, 0, 'pool-cpu'],
    ['soon', 0.6, 0.002, 'pool-cpu'],
    ['later', 0.5, 0.001, 'pool-memory'],
    ['<img src=x onerror=alert(1)>', 0.3, 0.0005, 'warehouse-storage'],
    ['over', 0.9, 0.001, 'pool-cpu'],
    ['hub-d1', 0.5, 0.001, 'uplink'],
  ];
  const resources = cases.map(([id, level, slope, kind]) => {
    // an uplink in bit/s, against 10 Gbit/s; the rest shares of 0.8
    const scale = kind === 'uplink' ? 1e10 / 0.8 : 1;
    const resource: ReviewedResource = {
      kind,
      id,
      name: `${id} pool`,
      record: kind === 'uplink' ? 'district:uplink_bits:rate5m' : 'pool:node_cpu_utilisation:ratio_rate5m',
      label: kind === 'uplink' ? 'district' : 'pool',
      threshold: 0.8 * scale,
      unit: kind === 'uplink' ? 'bit/s' : 'ratio',
      why: 'a test',
    };
    const f = forecast(daily(level * scale, slope * scale), 0.8 * scale);
    return {
      resource,
      forecast: f,
      now: (f.daily.at(-1) as DailyValue).p95,
      dropped: 0,
      crosses:
        f.daysToCross === null ? null : { on: '2027-01-01', earliest: '2026-12-20', latest: '2027-01-10' },
      runsShort: f.daysToCross !== null && f.daysToCross <= 180,
    };
  });
  const left = (r: (typeof resources)[number]) => r.forecast.daysToCross ?? Number.POSITIVE_INFINITY;
  resources.sort((a, b) => left(a) - left(b));
  return {
    generatedAt: '2026-12-02T00:00:00.000Z',
    prometheus: 'http://127.0.0.1:9090',
    days: 90,
    horizonDays: 180,
    queries: ['pool:node_cpu_utilisation:ratio_rate5m'],
    samples: 1000,
    toCome: [
      {
        pool: 'iot-ai',
        name: 'IoT, cameras & <AI> (2024 plan)',
        phase: '2024-plan',
        phaseName: '2024 plan',
        servers: 48,
        cpuCores: 3072,
        memoryGiB: 49152,
        gpus: 192,
      },
    ],
    backupTargets: [],
    backupChangeSharePerDay: 0.01,
    resources,
    unforecastable: [
      {
        resource: { ...(resources[0] as Review['resources'][number]).resource, id: 'all-nan' },
        days: 0,
        dropped: 90,
        reason: 'only 0 of its 90 whole days have a usable value',
      },
    ],
  };
}

describeWith([CHROMIUM_BROWSER], 'the capacity review page in Chromium', () => {
  let browser: Browser;
  const file = join(tempDir(), 'capacity-review.html');
  const r = review();
  beforeAll(async () => {
    writeFileSync(file, reviewHtml(r));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart with no console error and no request leaving the page', async () => {
    const { page, errors, requests } = await openPage(browser, `file://${file}`);
    await page
      .locator('.plot canvas')
      .nth(r.resources.length - 1)
      .waitFor();
    expect(await page.locator('.plot canvas').count()).toBe(r.resources.length);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    // each chart has its seven series (history, trend, forecast, the interval, the threshold)
    const drawn = await page.$$eval('.plot', (els) => els.map((e) => e.getAttribute('data-drawn')));
    expect(drawn).toEqual(r.resources.map(() => '6'));
    // the uplink's axis is as wide as its widest label, "10.00 Gbit/s" (once cut to "0.00 Gbit/s")
    const uplink = chartId('uplink', 'hub-d1');
    await page.locator(`[id="${uplink}"] .plot[data-axis-width]`).waitFor();
    const fits = await page.evaluate((id) => {
      type El = { dataset: Record<string, string>; querySelector(s: string): El };
      type Doc = {
        getElementById(id: string): El;
        createElement(t: string): {
          getContext(k: string): { font: string; measureText(t: string): { width: number } };
        };
      };
      const doc = (globalThis as unknown as { document: Doc }).document;
      const el = doc.getElementById(id).querySelector('.plot');
      const c = doc.createElement('canvas').getContext('2d');
      c.font =
        '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
      return { axis: Number(el.dataset.axisWidth), label: c.measureText('10.00 Gbit/s').width };
    }, uplink);
    expect(fits.axis - 15).toBeGreaterThanOrEqual(fits.label);
    expect(await page.textContent('#unforecastable')).toBe(
      'all-nan (pool CPU): only 0 of its 90 whole days have a usable value',
    );
    // what the planned phases add, its name as text
    expect(await page.textContent('#to-come')).toBe(
      'iot-ai (IoT, cameras & <AI> (2024 plan)): 48 servers, 3,072 cores, 49,152 GiB, 192 GPUs, with phase 2024-plan (2024 plan)',
    );
    // the script ran and the markup in a name stayed text
    expect(await page.$$eval('img', (els) => els.length)).toBe(0);
    expect(await page.textContent('#summary')).toContain('<img src=x onerror=alert(1)>');
    await page.close();
  });

  it('sorts the summary by days left, the ones over first and the flat last', async () => {
    const { page, errors } = await openPage(browser, `file://${file}`);
    const days = await page.$$eval('#summary tbody tr', (rows) =>
      rows.map((row) =>
        row.getAttribute('data-days') === ''
          ? Number.POSITIVE_INFINITY
          : Number(row.getAttribute('data-days')),
      ),
    );
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(days[0]).toBe(0);
    expect(days.at(-1)).toBe(Number.POSITIVE_INFINITY);
    expect(
      await page.$$eval('#summary tbody tr', (rows) => rows.map((x) => x.children[1]?.textContent)),
    ).toEqual(r.resources.map((x) => x.resource.id));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('scrolls to a resource’s chart when it is picked in the table', async () => {
    const { page } = await openPage(browser, `file://${file}`);
    const target = r.resources.at(-1) as Review['resources'][number];
    const id = chartId(target.resource.kind, target.resource.id);
    const chart = page.locator(`[id="${id}"]`);
    expect((await chart.boundingBox())?.y).toBeGreaterThan(900);
    await page.click(`#summary a[href="#${id}"]`);
    await expect.poll(async () => Math.abs((await chart.boundingBox())?.y ?? 999)).toBeLessThan(40);
    expect(page.url()).toBe(`file://${file}#${id}`);
    await page.close();
  });
});
