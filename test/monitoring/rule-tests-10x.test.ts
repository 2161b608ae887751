// integration: runs the rule scenarios of the 10x city (vitest.config.ts)
/**
 * The generated promtool tests pass at scale: in the 10x city a pool has 1,000 servers, where an
 * N+1 threshold, (N−1)/N, was 99.9% and the headroom alerts' own tests failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { monitoringView } from '../../monitoring/monitoring-view.ts';
import { generateCityYaml } from '../../scripts/generate-city.ts';
import { BUILTIN_CITY, tempDir, writeCity } from '../helpers/city.ts';
import { ruleTestsOf } from '../helpers/rule-tests-subset.ts';
import { PROMTOOL, runTool } from '../helpers/tools.ts';

describe('the 10x city’s generated rule tests', () => {
  it('pass under promtool test rules, the headroom alerts of 1,000-server pools included', async () => {
    const model = loadCity(writeCity({ 'city.yaml': generateCityYaml(BUILTIN_CITY, 10) })).model as CityModel;
    const out = tempDir();
    for (const a of await monitoringView.render(model)) {
      mkdirSync(dirname(join(out, a.path)), { recursive: true });
      writeFileSync(join(out, a.path), a.content);
    }
    const dir = join(out, 'monitoring');
    // the servers' alerts, whose thresholds scale with the pools (every alert's tests run on the
    // built-in city in generated-config.test.ts)
    const tests = ruleTestsOf(dir, 'tests/citycloud-servers.rules.test.yml', (alert) =>
      /^(ServerDown|Pool)/.test(alert),
    );
    const r = runTool(PROMTOOL, ['test', 'rules', tests], dir);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
    // the largest pools are there, with thresholds a pager can act on
    const edoc = model.servers.filter((s) => s.pool === 'edoc').length;
    expect(edoc).toBeGreaterThanOrEqual(1000);
  }, 300_000);
});
