/**
 * The SLO records Sloth writes, in citycloud's names: the 30-day error ratio, each tier's objective
 * and budget, and each service's budget left — checked by promtool on one Prometheus and on the
 * shards and global together, which must agree; the existing burn-rate alerts stay as they were.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cityRuleSets } from '../../monitoring/rules/all-rules.ts';
import { splitRuleSets } from '../../monitoring/rules/shard-split.ts';
import {
  BUDGET_REMAINING,
  errorRatio,
  SLO_PERIOD,
  TIER_ERROR_BUDGET,
  TIER_OBJECTIVE,
} from '../../monitoring/rules/slo-rules.ts';
import { rulesYaml } from '../../monitoring/rules-file.ts';
import { modelOf, smallCity, tempDir } from '../helpers/city.ts';
import { describeWith, PROMETHEUS_TOOLS } from '../helpers/needs.ts';
import { PROMTOOL, runTool } from '../helpers/tools.ts';

const model = modelOf(smallCity());
const sets = cityRuleSets(model);
const slo = sets.find((s) => s.name === 'citycloud-slo');
const records = slo?.recording ?? [];

describe('the SLO period records', () => {
  it('are recorded after the windows they read, per tier for the objective and the budget', () => {
    const names = records.map((r) => r.record);
    expect(names.indexOf(errorRatio(SLO_PERIOD))).toBeGreaterThan(names.indexOf(errorRatio('5m')));
    expect(names.at(-1)).toBe(BUDGET_REMAINING);
    expect(records.filter((r) => r.record === TIER_OBJECTIVE)).toEqual([
      { record: TIER_OBJECTIVE, expr: 'vector(0.999)', labels: { tier: '1' } },
      { record: TIER_OBJECTIVE, expr: 'vector(0.99)', labels: { tier: '2' } },
    ]);
    expect(records.filter((r) => r.record === TIER_ERROR_BUDGET).map((r) => r.expr)).toEqual([
      'vector(0.001)',
      'vector(0.01)',
    ]);
    expect(records.find((r) => r.record === errorRatio('30d'))?.expr).toBe(
      'avg_over_time(service:citycloud_service_errors:ratio_rate5m[30d])',
    );
  });

  it('are left to the global when sharded: no partial, nothing on the shards', () => {
    const split = splitRuleSets(sets);
    const shardRecords = split.shard.flatMap((s) => s.recording.map((r) => r.record));
    const globalRecords = split.global.flatMap((s) => s.recording.map((r) => r.record));
    expect(shardRecords.filter((r) => /30d|objective|budget/.test(r))).toEqual([]);
    for (const name of [errorRatio('30d'), TIER_OBJECTIVE, TIER_ERROR_BUDGET, BUDGET_REMAINING])
      expect(globalRecords).toContain(name);
  });
});

describeWith([PROMETHEUS_TOOLS], 'the SLO period records in promtool', () => {
  // a service of each tier at 1,000 requests a minute: s1 erring at a quarter of tier 1's budget
  // (0.1% → 0.025%), s2 at half of tier 2's (1% → 0.5%)
  const traffic = (service: string, tier: number, errorsPerMinute: number) => [
    {
      series: `citycloud_service_requests_total{service="${service}",agency="a1",tier="${tier}",outcome="success"}`,
      values: `0+${1000 - errorsPerMinute}x120`,
    },
    {
      series: `citycloud_service_requests_total{service="${service}",agency="a1",tier="${tier}",outcome="error"}`,
      values: `0+${errorsPerMinute}x120`,
    },
  ];
  const testCase = {
    interval: '1m',
    input_series: [...traffic('s1', 1, 0.25), ...traffic('s2', 2, 5)],
    promql_expr_test: [
      {
        // per mille, whole: the ratio of two rates is exact only to a few ulps
        expr: `round(${BUDGET_REMAINING} * 1000)`,
        eval_time: '100m',
        exp_samples: [
          { labels: '{service="s1",agency="a1",tier="1"}', value: 750 },
          { labels: '{service="s2",agency="a1",tier="2"}', value: 500 },
        ],
      },
      {
        expr: `round(${errorRatio('30d')} * 1e6)`,
        eval_time: '100m',
        exp_samples: [
          { labels: '{service="s1",agency="a1",tier="1"}', value: 250 },
          { labels: '{service="s2",agency="a1",tier="2"}', value: 5000 },
        ],
      },
      {
        expr: TIER_ERROR_BUDGET,
        eval_time: '1m',
        exp_samples: [
          { labels: `${TIER_ERROR_BUDGET}{tier="1"}`, value: 0.001 },
          { labels: `${TIER_ERROR_BUDGET}{tier="2"}`, value: 0.01 },
        ],
      },
    ],
  };

  const promtool = (files: Record<string, string>, groupOrder?: string[]) => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    writeFileSync(
      join(dir, 'test.yml'),
      stringify({
        rule_files: Object.keys(files),
        ...(groupOrder ? { group_eval_order: groupOrder } : {}),
        evaluation_interval: '1m',
        tests: [testCase],
      }),
    );
    return runTool(PROMTOOL, ['test', 'rules', 'test.yml'], dir);
  };

  it('gives each service its 30-day error ratio and the budget it has left, on one Prometheus', () => {
    const r = promtool({ 'rules.yml': rulesYaml(sets) });
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('gives the same on the shards and the global together', () => {
    const split = splitRuleSets(sets);
    const r = promtool(
      { 'shard.yml': rulesYaml(split.shard), 'global.yml': rulesYaml(split.global) },
      [...split.shard, ...split.global].map((s) => s.name),
    );
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
