import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { topologyHtml } from '../../network/topology-html.ts';
import { generateCityYaml } from '../../scripts/generate-city.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { BUILTIN_CITY, modelOf, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import { CHROMIUM_BROWSER, describeWith } from '../helpers/needs.ts';

/** Writes a model's topology page to a temporary file and returns its URL. */
function pageOf(model: CityModel): string {
  const file = join(tempDir(), 'topology.html');
  writeFileSync(file, topologyHtml(model).content);
  return `file://${file}`;
}

const builtin = loadCity(BUILTIN_CITY).model as CityModel;

describeWith([CHROMIUM_BROWSER], 'topology.html in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every point of the built-in city with no console errors, and no external resource', async () => {
    const { page, errors } = await openPage(browser, pageOf(builtin));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.getAttribute('#map', 'data-nodes')).toBe('820');
    expect(await page.textContent('#count')).toBe(
      '820 points (2 core, 22 district, 312 ward, 457 unit, 27 agency) · 1180 links',
    );
    expect(await page.textContent('#finding-count')).toBe('0');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.each([
    ['its Vietnamese name', 'Tân Định'],
    ['its name without diacritics', 'tan dinh'],
    ['its statistics-office code', '26734'],
    ['its subnet', '10.32.17.0'],
  ])('finds Phường Tân Định by %s, and shows its addresses when picked', async (_, query) => {
    const { page, errors } = await openPage(browser, pageOf(builtin));
    await page.waitForSelector('body[data-ready=true]');
    await page.fill('#search', query);
    const first = page.locator('#results li').first();
    expect(await first.textContent()).toBe('Phường Tân Định · w26734 · 10.32.17.0/26');
    await first.click();
    const details = await page.locator('#details').textContent();
    expect(details).toContain('10.32.17.1');
    expect(details).toContain('→ d770, 300 Mbps');
    expect(errors).toEqual([]);
  });

  it('drills down into Thủ Đức and lists its 34 wards with their subnets', async () => {
    const { page } = await openPage(browser, pageOf(builtin));
    await page.waitForSelector('body[data-ready=true]');
    await page.selectOption('#district', 'd769');
    const levels = await page.locator('#sites tbody tr td:nth-child(2)').allTextContents();
    expect(levels.filter((l) => l === 'ward')).toHaveLength(34);
    expect(await page.isVisible('#sites')).toBe(true);
    await page.click('#reset');
    expect(await page.isVisible('#sites')).toBe(false);
  });

  it('highlights the findings: a hub on one uplink', async () => {
    const city = smallCity();
    city.network.districts[0].uplinks = [{ to: 'core-a', role: 'primary', mbps: 10000, medium: 'fiber' }];
    const { page, errors } = await openPage(browser, pageOf(modelOf(city)));
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.textContent('#finding-count')).toBe('1');
    const finding = page.locator('#findings li').first();
    expect(await finding.textContent()).toMatch(
      /^CC010 error: District One \(d001\) reaches the core only through point core-a/,
    );
    await finding.click();
    expect(await page.locator('#details').textContent()).toContain('CC010');
    expect(errors).toEqual([]);
  });

  it('stays usable with the 10x city: 8,182 points, and search still finds a ward', async () => {
    const model = loadCity(writeCity({ 'city-10x.yaml': generateCityYaml(BUILTIN_CITY, 10) }))
      .model as CityModel;
    const { page, errors } = await openPage(browser, pageOf(model));
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    expect(await page.getAttribute('#map', 'data-nodes')).toBe('8182');
    await page.fill('#search', 'Tân Định (7)');
    expect(await page.locator('#results li').first().textContent()).toMatch(
      /^Phường Tân Định \(7\) · w726734 · /,
    );
    // a wheel zoom and a drag are answered by a redraw, not a hang
    await page.mouse.move(900, 450);
    await page.mouse.wheel(0, -600);
    await page.mouse.down();
    await page.mouse.move(700, 300);
    await page.mouse.up();
    expect(errors).toEqual([]);
  });
});
