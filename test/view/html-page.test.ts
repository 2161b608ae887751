import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../synth/manifest.ts';
import { embedJson, escapeHtml, htmlPage } from '../../view/html-page.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { runCli, tempDir, writeCity } from '../helpers/city.ts';
import { HOSTILE, hostileCity } from '../helpers/hostile-city.ts';
import { CHROMIUM_BROWSER, describeWith } from '../helpers/needs.ts';

describe('escapeHtml and embedJson', () => {
  it('escape what would end an element or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(embedJson('{"a":"</script><!--"}')).toBe('{"a":"\\u003c/script>\\u003c!--"}');
  });

  it('allow exactly the page’s own script and style, by hash, never unsafe-inline', () => {
    const html = htmlPage({
      title: 't',
      lang: 'vi',
      style: 'p{}',
      body: '',
      dataJson: '{}',
      script: 'void 0',
    });
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
  });
});

describeWith([CHROMIUM_BROWSER], 'every page citycloud writes, for a city whose names are markup', () => {
  let browser: Browser;
  let pages: string[] = [];
  let out = '';
  beforeAll(async () => {
    const dir = tempDir();
    out = join(dir, 'out');
    const r = runCli([
      'synth',
      '-i',
      writeCity({ 'city.yaml': hostileCity() }, dir),
      '--out',
      out,
      '--no-cache',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    pages = manifest.artifacts.map((a) => a.path).filter((p) => p.endsWith('.html'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds the pages in the manifest', () => {
    expect(pages).toContain('network/topology.html');
  });

  it('shows the names as text and runs none of them', async () => {
    for (const path of pages) {
      const { page, errors } = await openPage(browser, `file://${join(out, path)}`);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.waitForSelector('body[data-ready=true]');
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), path).toBeUndefined();
      expect(dialogs, path).toEqual([]);
      // a blocked inline handler would be a CSP error here: there is none, because nothing is markup
      expect(errors, path).toEqual([]);
      expect(await page.title(), path).toBe(`${HOSTILE.cityNameEn} — dedicated network`);
      expect(await page.textContent('h1'), path).toBe(`${HOSTILE.cityNameEn} — dedicated network`);
      expect(await page.locator('img, svg').count(), path).toBe(0);
      await page.close();
    }
  });

  it('keeps the district’s name as data the page can search', async () => {
    const { page } = await openPage(browser, `file://${join(out, 'network/topology.html')}`);
    await page.waitForSelector('body[data-ready=true]');
    const options = await page.locator('#district option').allTextContents();
    expect(options.some((o) => o.includes(HOSTILE.districtName))).toBe(true);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });
});
