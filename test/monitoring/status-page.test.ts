/**
 * `citycloud monitor status`'s page in headless Chromium — a chart per panel drawn by uPlot, no
 * console error, no request leaving the page, a hostile label value shown as text — and the
 * command's one line and exit 2 when Prometheus cannot be read.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelId, type StatusSnapshot, statusHtml } from '../../monitoring/dashboards/status-html.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { runCli, tempDir } from '../helpers/city.ts';
import { freePorts } from '../helpers/local-fleet.ts';
import { CHROMIUM_BROWSER, describeWith } from '../helpers/needs.ts';

const HOSTILE_LABEL = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>';
const END = Date.UTC(2026, 11, 1, 12) / 1000;
const STEP = 60;
const samples = (level: number) =>
  Array.from({ length: 61 }, (_, i) => [END - 3600 + i * STEP, level + 0.05 * Math.sin(i / 6)] as const);

/** Two dashboards of three panels: a limit beside a series, a hostile label, a panel without data. */
function snapshot(): StatusSnapshot {
  return {
    generatedAt: new Date(END * 1000).toISOString(),
    prometheus: 'http://127.0.0.1:9090',
    start: END - 3600,
    end: END,
    step: STEP,
    dashboards: [
      {
        uid: 'citycloud-fleet-pools',
        title: 'Ho Chi Minh City: fleet by pool',
        panels: [
          {
            title: 'CPU utilisation by pool',
            unit: 'percentunit',
            thresholds: [],
            queries: ['pool:node_cpu_utilisation:ratio_rate5m{pool=~"(edoc|email)"}'],
            series: [
              { name: 'edoc', limit: false, samples: samples(0.4) },
              { name: 'edoc limit (N − k)/N', limit: true, samples: samples(0.83) },
            ],
            problems: [],
          },
          {
            title: 'Memory utilisation as a share of the pool’s limit',
            unit: 'percentunit',
            thresholds: [0.9, 1],
            queries: ['x'],
            series: [{ name: HOSTILE_LABEL, limit: false, samples: samples(0.6) }],
            problems: [],
          },
        ],
      },
      {
        uid: 'citycloud-service-slos',
        title: 'Ho Chi Minh City: public services’ SLOs',
        panels: [
          {
            title: 'Requests and errors by tier',
            unit: 'reqps',
            thresholds: [],
            queries: ['sum by (tier) (rate(citycloud_service_requests_total[120s]))'],
            series: [],
            problems: [`query A: no data for ${HOSTILE_LABEL}`],
          },
        ],
      },
    ],
  };
}

describeWith([CHROMIUM_BROWSER], 'the monitor status page in Chromium', () => {
  let browser: Browser;
  const file = join(tempDir(), 'monitor-status.html');
  const s = snapshot();
  const panels = s.dashboards.flatMap((d) => d.panels);
  beforeAll(async () => {
    writeFileSync(file, statusHtml(s));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('draws a chart per panel, with no console error and no request leaving the page', async () => {
    const { page, errors, requests } = await openPage(browser, `file://${file}`);
    await page
      .locator('.plot canvas')
      .nth(panels.length - 1)
      .waitFor();
    expect(await page.locator('section.panel').count()).toBe(panels.length);
    expect(await page.locator('.plot canvas').count()).toBe(panels.length);
    // each chart has its series, and a line per threshold
    const drawn = await page
      .locator('.plot')
      .evaluateAll((els) =>
        els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.drawn),
      );
    expect(drawn).toEqual(['2', '3', '0']);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    await page.close();
  });

  it('shows a hostile label value as text, running none of it', async () => {
    const { page } = await openPage(browser, `file://${file}`);
    await page.locator('.plot canvas').first().waitFor();
    const section = page.locator(`#${panelId('citycloud-fleet-pools', 1)}`);
    expect(await section.locator('ul.series li').first().textContent()).toBe(HOSTILE_LABEL);
    // uPlot's own legend (a panel of few series) shows it as text too
    expect(await section.locator('.u-legend .u-label').nth(1).textContent()).toBe(HOSTILE_LABEL);
    expect(await page.locator('p.problem').textContent()).toBe(`query A: no data for ${HOSTILE_LABEL}`);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
  });
});

describe('citycloud monitor status without a Prometheus', () => {
  it('fails in one line naming the URL (exit 2), writing nothing', async () => {
    const [port] = (await freePorts(1)) as [number];
    const url = `http://127.0.0.1:${port}`;
    const out = join(tempDir(), 'status.html');
    const r = runCli(['monitor', 'status', '--prometheus', url, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `citycloud monitor status: Prometheus at ${url} is unreachable (ECONNREFUSED); start the local stack with citycloud monitor up, or name a Prometheus with --prometheus\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
