/**
 * monitoring.shards > 1: shard configs that split the scraping by hashmod, a global Prometheus
 * that federates the shards' partial sums, and the rules split between them — checked by promtool,
 * and giving the same alerts as one Prometheus on the same scenarios.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CityModel, loadCity } from '../../model/index.ts';
import { PROBE_SUCCESS } from '../../monitoring/metrics/blackbox.ts';
import { NODE_CPU_SECONDS } from '../../monitoring/metrics/node-cpu.ts';
import { NODE_MEMORY_AVAILABLE, NODE_MEMORY_TOTAL } from '../../monitoring/metrics/node-memory.ts';
import { SERVICE_REQUESTS } from '../../monitoring/metrics/service-requests.ts';
import { WAREHOUSE_REPLICA_UP } from '../../monitoring/metrics/warehouse-replica.ts';
import { kubernetesRules } from '../../monitoring/rules/kubernetes-rules.ts';
import { nodeHealthRules } from '../../monitoring/rules/node-health-rules.ts';
import { BUILTIN_CITY, ROOT } from '../helpers/city.ts';
import {
  loadedRuleGroups,
  ruleTestFilesIn,
  withDeploymentCredentials,
  writeMonitoringOut,
} from '../helpers/monitoring-out.ts';
import { describeWith, PROMETHEUS_TOOLS } from '../helpers/needs.ts';
import { ruleTestsOf } from '../helpers/rule-tests-subset.ts';
import { PROMTOOL, runTool } from '../helpers/tools.ts';

const builtin = loadCity(BUILTIN_CITY).model as CityModel;
const sharded = { ...builtin, monitoring: { ...builtin.monitoring, shards: 3 } };

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
const rulesOf = (dir: string, file: string): Rule[] =>
  (parse(readFileSync(join(dir, file), 'utf8')).groups as { rules: Rule[] }[]).flatMap((g) => g.rules);
/** Every rule a single Prometheus in `dir` loads (a file per group). */
const singleRules = (dir: string): Rule[] =>
  loadedRuleGroups(dir).flatMap((g) => g.rules as unknown as Rule[]);
/** Each alert by its name and labels, the way Alertmanager tells alerts apart. */
const alertKeys = (rules: Rule[]) =>
  rules
    .filter((r) => r.alert)
    .map((r) => `${r.alert} ${JSON.stringify(r.labels)}`)
    .sort();

describe('monitoring.shards: 3', () => {
  let dir = '';
  let single = '';
  beforeAll(async () => {
    [dir, single] = await Promise.all([writeMonitoringOut(sharded), writeMonitoringOut(builtin)]);
  });

  it('gives each shard its hashmod share, its label, its rules, and alerts without the label', () => {
    for (const i of [0, 1, 2]) {
      const config = parse(readFileSync(join(dir, `prometheus-shard-${i}.yml`), 'utf8'));
      for (const job of config.scrape_configs)
        expect(job.relabel_configs.slice(0, 2), `shard ${i} ${job.job_name}`).toEqual([
          {
            source_labels: ['__address__', '__metrics_path__'],
            modulus: 3,
            target_label: '__tmp_shard',
            action: 'hashmod',
          },
          { source_labels: ['__tmp_shard'], regex: String(i), action: 'keep' },
        ]);
      expect(config.global.external_labels).toEqual({ city: '79', prometheus_shard: String(i) });
      expect(config.rule_files).toEqual(['rules/citycloud.shard.rules.yml']);
      expect(config.alerting.alert_relabel_configs).toEqual([
        { action: 'labeldrop', regex: 'prometheus_shard' },
      ]);
    }
  });

  it('has the global federate every shard’s partial records and the runbooks’ per-server series, keeping their labels', () => {
    const config = parse(readFileSync(join(dir, 'prometheus-global.yml'), 'utf8'));
    expect(config.rule_files).toEqual(['rules/citycloud.global.rules.yml']);
    expect(config.scrape_configs).toEqual([
      {
        job_name: 'federate',
        honor_labels: true,
        metrics_path: '/federate',
        params: { 'match[]': ['{__name__=~"shard_.+"}'] },
        static_configs: [
          { targets: ['prometheus-shard-0:9090', 'prometheus-shard-1:9090', 'prometheus-shard-2:9090'] },
        ],
      },
      {
        // the runbooks' per-server series, stamped on arrival so that what a shard drops goes stale
        job_name: 'federate-current',
        honor_labels: true,
        honor_timestamps: false,
        metrics_path: '/federate',
        params: {
          'match[]': [
            'up{job="node"}',
            'citycloud_node_version{job="node"}',
            'ALERTS{alertstate="firing"}',
            'certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"}',
          ],
        },
        static_configs: [
          { targets: ['prometheus-shard-0:9090', 'prometheus-shard-1:9090', 'prometheus-shard-2:9090'] },
        ],
      },
    ]);
  });

  it('records on the shards only sums that add up, and judges there only single targets', () => {
    const shard = rulesOf(dir, 'rules/citycloud.shard.rules.yml');
    for (const r of shard.filter((x) => x.record)) expect(r.record).toMatch(/^shard_\w+:/);
    // a server down, a point down, a replica down, node-mixin's alerts of one server's health, and
    // the Kubernetes alerts of one target's series (kube-state-metrics, a kubelet, the API server);
    // the kubelets and the API server gone are an absence only the global sees across the shards
    const nodeHealth = nodeHealthRules(builtin).alerts.map((a) => a.rule.alert);
    const kubernetes = kubernetesRules(builtin)
      .alerts.map((a) => a.rule.alert)
      .filter((name) => name !== 'KubeletDown' && name !== 'KubeAPIDown');
    expect([...new Set(shard.flatMap((r) => (r.alert ? [r.alert] : [])))].sort()).toEqual(
      [
        ...new Set([
          'ConnectionPointDown',
          'ServerDown',
          'WarehouseReplicaDown',
          // the backups' and drills' CronJobs, and a drill's scratch namespace left, on
          // kube-state-metrics' series alone
          'WarehouseBackupJobFailed',
          'WarehouseBackupJobLate',
          'WarehouseDrillScratchLeft',
          'WarehouseRestoreDrillFailed',
          'WarehouseRestoreDrillLate',
          ...nodeHealth,
          ...kubernetes,
        ]),
      ].sort(),
    );
    for (const r of shard.filter((x) => x.record)) expect(r.expr, r.record).not.toMatch(/\//);
  });

  it('reads on the global only the shards’ partials and its own records, never a raw series', () => {
    const global = rulesOf(dir, 'rules/citycloud.global.rules.yml');
    const raw = [
      NODE_CPU_SECONDS,
      NODE_MEMORY_AVAILABLE,
      NODE_MEMORY_TOTAL,
      PROBE_SUCCESS,
      SERVICE_REQUESTS,
      WAREHOUSE_REPLICA_UP,
    ];
    for (const r of global)
      for (const name of raw)
        expect(r.expr, `${r.record ?? r.alert} reads ${name}`).not.toMatch(
          new RegExp(`(?<![:\\w])${name}(?![:\\w])`),
        );
    // the records a single Prometheus has keep their names, so dashboards and runbooks read the global
    const records = (rules: Rule[]) =>
      [...new Set(rules.flatMap((r) => (r.record ? [r.record] : [])))].sort();
    expect(records(global)).toEqual(records(singleRules(single)));
  });

  it('evaluates every alert of one Prometheus exactly once across shards and global, plus a shard lost', () => {
    const split = [
      ...alertKeys(rulesOf(dir, 'rules/citycloud.shard.rules.yml')),
      ...alertKeys(rulesOf(dir, 'rules/citycloud.global.rules.yml')),
    ].sort();
    const one = alertKeys(singleRules(single));
    expect(split).toEqual([...one, 'PrometheusShardDown {"severity":"critical"}'].sort());
  });

  it('links every alert of the split, the federation’s own too, to its runbook entry', () => {
    const runbook = readFileSync(join(ROOT, 'runbooks/alerts.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^## (\w+)$/gm)].map((m) => (m[1] as string).toLowerCase()));
    const all = [
      ...rulesOf(dir, 'rules/citycloud.shard.rules.yml'),
      ...rulesOf(dir, 'rules/citycloud.global.rules.yml'),
    ].filter((r) => r.alert) as (Rule & { annotations: { runbook_url: string } })[];
    for (const a of all)
      expect(anchors.has(a.annotations.runbook_url.split('#')[1] ?? ''), a.alert).toBe(true);
  });

  it('writes no single-Prometheus files, and a single Prometheus none of the split', () => {
    expect(existsSync(join(dir, 'prometheus.yml'))).toBe(false);
    expect(existsSync(join(dir, 'rules/citycloud-servers.rules.yml'))).toBe(false);
    expect(existsSync(join(single, 'prometheus-global.yml'))).toBe(false);
    expect(existsSync(join(single, 'rules/citycloud.shard.rules.yml'))).toBe(false);
  });

  describeWith([PROMETHEUS_TOOLS], 'checked by promtool', () => {
    it('accepts every shard’s config, the global’s, and both rules files', () => {
      for (const file of ['prometheus-shard-0.yml', 'prometheus-shard-2.yml', 'prometheus-global.yml']) {
        const r = runTool(PROMTOOL, ['check', 'config', file], withDeploymentCredentials(dir));
        expect(r.output, file).toContain(`SUCCESS: ${file} is valid prometheus config file syntax`);
        expect(r.code, r.output).toBe(0);
      }
    });

    it('fires every alert from the shard and the global as one Prometheus does, on the same scenarios', () => {
      const tests = parse(readFileSync(join(dir, 'tests/citycloud.sharded.rules.test.yml'), 'utf8'));
      const oneTests = ruleTestFilesIn(single).flatMap(
        (file) => parse(readFileSync(join(single, file), 'utf8')).tests as unknown[],
      );
      // the same cases (and one for the federation's own alert), on the two files together
      expect(tests.rule_files).toEqual([
        '../rules/citycloud.shard.rules.yml',
        '../rules/citycloud.global.rules.yml',
      ]);
      expect(tests.tests.length).toBe(oneTests.length + 1);
      // every aggregate alert (judged on the global from the shards' partials) and the per-target
      // alerts of each kind of target; the node-health and Kubernetes per-target alerts go to the
      // shard unchanged, as these do, and all of their scenarios run on one Prometheus
      // (generated-config.test.ts)
      const sampled = new Set(
        [...nodeHealthRules(builtin).alerts, ...kubernetesRules(builtin).alerts]
          .filter((a) => a.perTarget)
          .map((a) => a.rule.alert)
          .filter((name) => name !== 'NodeRAIDDegraded' && name !== 'KubeStatefulSetBelowQuorum'),
      );
      const file = ruleTestsOf(dir, 'tests/citycloud.sharded.rules.test.yml', (alert) => !sampled.has(alert));
      const r = runTool(PROMTOOL, ['test', 'rules', file], dir);
      expect(r.output).toContain('SUCCESS');
      expect(r.code).toBe(0);
    }, 180_000);
  });
});
