/**
 * The audit report's page in headless Chromium: self-contained (no request leaves it), no console
 * error under its Content-Security-Policy, the counts by level, filters by level, area, artifact
 * and stack and a search that narrow the list, and text from the plan shown as text, never markup.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_SCHEMA, type AuditReport } from '../../audit/audit-diff.ts';
import { diffMonitoringFile } from '../../audit/diff-monitoring.ts';
import { diffTerraformStack } from '../../audit/diff-terraform.ts';
import { reportHtml } from '../../audit/format-html.ts';
import { countByLevel, rankChanges } from '../../audit/risk/rank-changes.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { tempDir } from '../helpers/city.ts';
import { CHROMIUM_BROWSER, describeWith } from '../helpers/needs.ts';

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

function report(): AuditReport {
  const set = (replicas: number, service: string) => ({
    metadata: { name: 'population-s01', namespace: 'warehouse-population' },
    spec: { replicas: String(replicas), service_name: service },
  });
  const changes = rankChanges([
    ...diffTerraformStack(
      'terraform/stacks/warehouse-population/cdk.tf.json',
      'warehouse-population',
      { resource: { kubernetes_stateful_set_v1: { 'population-s01': set(3, 'population-s01') } } },
      { resource: { kubernetes_stateful_set_v1: { 'population-s01': set(3, 'population-s01-new') } } },
    ),
    ...diffTerraformStack(
      'terraform/stacks/apps/cdk.tf.json',
      'apps',
      { resource: { kubernetes_config_map_v1: { old: { metadata: { name: 'old', namespace: 'apps' } } } } },
      {
        resource: {
          kubernetes_config_map_v1: { [HOSTILE]: { metadata: { name: HOSTILE, namespace: 'apps' } } },
          kubernetes_deployment_v1: {
            api: { metadata: { name: 'api', namespace: 'apps' }, spec: { replicas: '2' } },
          },
        },
      },
    ),
    ...diffMonitoringFile(
      'monitoring/rules/citycloud-servers.rules.yml',
      'groups: [{name: g, rules: [{alert: ServerDown, expr: up == 0, for: 5m, labels: {severity: critical}}]}]',
      'groups: [{name: g, rules: []}]',
    ),
  ]);
  const side = (label: string) => ({
    label,
    manifestSha256: 'x',
    city: { name: 'HCMC', code: '79' },
    artifacts: 3,
  });
  return {
    schema: AUDIT_SCHEMA,
    old: side('out-deployed'),
    new: side(`out ${HOSTILE}`),
    counts: countByLevel(changes),
    files: { unchanged: 40, changed: [] },
    changes,
  };
}

let browser: Browser;
let url: string;
const r = report();

beforeAll(async () => {
  const file = join(tempDir(), 'diff.html');
  writeFileSync(file, reportHtml(r));
  url = `file://${file}`;
  if (CHROMIUM_BROWSER.present) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describeWith([CHROMIUM_BROWSER], 'the audit diff page in Chromium', () => {
  it('shows the counts and every change, makes no request, and logs no error', async () => {
    const requests: string[] = [];
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (q) => {
      if (!q.url().startsWith('file://')) requests.push(q.url());
    });
    await page.goto(url);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('.count.critical b').textContent()).toBe(String(r.counts.critical));
    expect(r.counts.critical).toBe(1);
    expect(r.counts.high).toBe(1);
    expect(await page.locator('.change').count()).toBe(r.changes.length);
    expect(await page.locator('#shown').textContent()).toBe(
      `${r.changes.length} of ${r.changes.length} changes shown`,
    );
    // the first change is the critical one, with the attribute that forces its replacement
    const first = page.locator('.change').first();
    expect(await first.getAttribute('data-level')).toBe('critical');
    expect(await first.textContent()).toContain('spec.service_name');
    expect(await first.locator('.force').textContent()).toContain(
      'ForceNew (hashicorp/terraform-provider-kubernetes v2.38.0, kubernetes/schema_stateful_set_spec.go:53)',
    );
    await context.close();
  });

  it('filters by level, area, artifact and stack, and searches', async () => {
    const { page, errors } = await openPage(browser, url);
    const shown = async () => page.locator('.change:not([hidden])').count();
    await page.uncheck('input[name=level][value=low]');
    expect(await shown()).toBe(r.changes.filter((c) => c.level !== 'low').length);
    await page.check('input[name=level][value=low]');
    await page.selectOption('#f-area', 'monitoring');
    expect(await shown()).toBe(1);
    expect(await page.locator('.change:not([hidden])').textContent()).toContain('alert ServerDown removed');
    await page.selectOption('#f-area', '');
    await page.selectOption('#f-stack', 'apps');
    expect(await shown()).toBe(r.changes.filter((c) => c.stack === 'apps').length);
    await page.selectOption('#f-stack', '');
    await page.selectOption('#f-artifact', 'terraform/stacks/warehouse-population/cdk.tf.json');
    expect(await shown()).toBe(1);
    await page.selectOption('#f-artifact', '');
    await page.fill('#q', 'AU013');
    expect(await shown()).toBe(1);
    await page.fill('#q', 'nothing matches this');
    expect(await shown()).toBe(0);
    expect(await page.locator('#shown').textContent()).toBe(`0 of ${r.changes.length} changes shown`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a hostile name as text: no element is made from it', async () => {
    const { page, errors } = await openPage(browser, url);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('.change img').count()).toBe(0);
    expect(await page.locator('.sides img').count()).toBe(0);
    expect(await page.locator('.change', { hasText: HOSTILE }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
