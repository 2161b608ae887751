/**
 * The monitoring view: Prometheus, its rules and their tests, Alertmanager, blackbox, targets, and
 * the Grafana dashboards.
 */
import { stringify } from 'yaml';
import type { CityModel } from '../model/index.ts';
import { toDiffableJson } from '../view/diffable-json.ts';
import type { Artifact, View } from '../view/view.ts';
import { alertmanagerConfig } from './alertmanager-config.ts';
import { blackboxConfig } from './blackbox-config.ts';
import { dashboardArtifacts } from './dashboards/all-dashboards.ts';
import {
  FLEET_OPTIONS,
  fleetShardAddress,
  globalPrometheusConfig,
  prometheusConfig,
} from './prometheus-config.ts';
import { ruleTestsFiles, ruleTestsYaml } from './rule-tests.ts';
import { cityRuleSets } from './rules/all-rules.ts';
import { cityShardedRuleSets } from './rules/shard-split.ts';
import { GLOBAL_RULES_FILE, rulesFiles, rulesYaml, SHARD_RULES_FILE } from './rules-file.ts';
import {
  kubeletTargets,
  nodeTargets,
  uplinkTargets,
  walgTargets,
  warehouseTargets,
} from './scrape-targets.ts';

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/**
 * One Prometheus with every rule (a file and a test file per group), or N shards and a global with
 * the rules split between them.
 */
function prometheusFiles(model: CityModel): Artifact[] {
  const { shards } = model.monitoring;
  if (shards === 1) {
    const sets = cityRuleSets(model);
    return [
      { path: 'monitoring/prometheus.yml', content: yaml(prometheusConfig(model, FLEET_OPTIONS)) },
      ...[...rulesFiles(sets), ...ruleTestsFiles(sets)].map(([path, content]) => ({
        path: `monitoring/${path}`,
        content,
      })),
    ];
  }
  const split = cityShardedRuleSets(model);
  const indexes = Array.from({ length: shards }, (_, index) => index);
  return [
    ...indexes.map((index) => ({
      path: `monitoring/prometheus-shard-${index}.yml`,
      content: yaml(prometheusConfig(model, { ...FLEET_OPTIONS, shard: { index, of: shards } })),
    })),
    {
      path: 'monitoring/prometheus-global.yml',
      content: yaml(
        globalPrometheusConfig(model, {
          alertmanagerAddress: FLEET_OPTIONS.alertmanagerAddress,
          shardAddresses: indexes.map(fleetShardAddress),
        }),
      ),
    },
    { path: `monitoring/${SHARD_RULES_FILE}`, content: rulesYaml(split.shard) },
    { path: `monitoring/${GLOBAL_RULES_FILE}`, content: rulesYaml(split.global) },
    {
      // every alert, each from where it is evaluated: the same scenarios as one Prometheus's
      path: 'monitoring/tests/citycloud.sharded.rules.test.yml',
      content: ruleTestsYaml(
        [...split.shard, ...split.global],
        [`../${SHARD_RULES_FILE}`, `../${GLOBAL_RULES_FILE}`],
      ),
    },
  ];
}

export const monitoringView: View = {
  name: 'monitoring',
  render: (model) => {
    return [
      ...prometheusFiles(model),
      { path: 'monitoring/alertmanager.yml', content: yaml(alertmanagerConfig(model)) },
      { path: 'monitoring/blackbox.yml', content: yaml(blackboxConfig()) },
      { path: 'monitoring/targets/nodes.json', content: toDiffableJson(nodeTargets(model)) },
      { path: 'monitoring/targets/kubelets.json', content: toDiffableJson(kubeletTargets(model)) },
      { path: 'monitoring/targets/warehouses.json', content: toDiffableJson(warehouseTargets(model)) },
      { path: 'monitoring/targets/walg.json', content: toDiffableJson(walgTargets(model)) },
      { path: 'monitoring/targets/uplinks.json', content: toDiffableJson(uplinkTargets(model)) },
      {
        path: 'monitoring/targets/services.json',
        content: toDiffableJson([
          {
            targets: ['public-portal-metrics.public-portal.svc:9400'],
            labels: { component: 'public-services-portal' },
          },
        ]),
      },
      ...dashboardArtifacts(model),
    ];
  },
};
