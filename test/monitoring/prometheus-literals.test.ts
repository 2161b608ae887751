import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { monitoringView } from '../../monitoring/monitoring-view.ts';
import { renderTemplate } from '../../monitoring/rule-tests.ts';
import { promLiteral } from '../../monitoring/rule-types.ts';
import { modelOf, tempDir } from '../helpers/city.ts';
import { HOSTILE, hostileCity } from '../helpers/hostile-city.ts';
import { describeWith, PROMETHEUS_TOOLS } from '../helpers/needs.ts';
import { ruleTestsOf } from '../helpers/rule-tests-subset.ts';
import { PROMTOOL, runTool } from '../helpers/tools.ts';

describe('promLiteral', () => {
  it.each([
    ['{{ .Value }}', '{{ "{{" }} .Value }}'],
    ['ends with a brace {', 'ends with a brace {{ "{" }}'],
    ['plain }} and {a}', 'plain }} and {a}'],
  ])('protects %s', (text, literal) => {
    expect(promLiteral(text)).toBe(literal);
    // and the tests' renderer reads it back as the text
    expect(renderTemplate(literal, {})).toBe(text);
  });
});

describeWith([PROMETHEUS_TOOLS], 'alerts of a city whose pool names are Go templates', () => {
  it('show the names as written: promtool expands the annotations and finds the literal text', async () => {
    const out = tempDir();
    for (const a of await monitoringView.render(modelOf(hostileCity()))) {
      mkdirSync(dirname(join(out, a.path)), { recursive: true });
      writeFileSync(join(out, a.path), a.content);
    }
    const dir = join(out, 'monitoring');
    const tests = parse(readFileSync(join(dir, 'tests/citycloud-servers.rules.test.yml'), 'utf8')) as {
      tests: { alert_rule_test: { exp_alerts: { exp_annotations: { description: string } }[] }[] }[];
    };
    const descriptions = tests.tests.flatMap((t) =>
      t.alert_rule_test.flatMap((c) => c.exp_alerts.map((a) => a.exp_annotations.description)),
    );
    // the expectation is the name as the inventory wrote it, not what a template would make of it
    expect(descriptions.some((d) => d.includes(`(${HOSTILE.poolName}) is over`))).toBe(true);
    expect(descriptions.some((d) => d.includes(`(${HOSTILE.otherPoolName}) is over`))).toBe(true);
    // the alerts that name a pool (every alert's tests run on the built-in city elsewhere)
    const pools = ruleTestsOf(dir, 'tests/citycloud-servers.rules.test.yml', (alert) =>
      alert.startsWith('Pool'),
    );
    const r = runTool(PROMTOOL, ['test', 'rules', pools], dir);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
