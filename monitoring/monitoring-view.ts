/** The monitoring view: Prometheus, its rules and their tests, Alertmanager, blackbox, targets. */
import { stringify } from 'yaml';
import type { CityModel } from '../model/index.ts';
import { toDiffableJson } from '../view/diffable-json.ts';
import type { Artifact, View } from '../view/view.ts';
import { alertmanagerConfig } from './alertmanager-config.ts';
import { blackboxConfig } from './blackbox-config.ts';
import { FLEET_OPTIONS, prometheusConfig } from './prometheus-config.ts';
import { ruleTestsYaml } from './rule-tests.ts';
import { cityRuleSets } from './rules/all-rules.ts';
import { RULES_FILE, rulesYaml } from './rules-file.ts';
import { nodeTargets, warehouseTargets } from './scrape-targets.ts';

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

function prometheusFiles(model: CityModel): Artifact[] {
  const { shards } = model.monitoring;
  if (shards === 1)
    return [{ path: 'monitoring/prometheus.yml', content: yaml(prometheusConfig(model, FLEET_OPTIONS)) }];
  return Array.from({ length: shards }, (_, index) => ({
    path: `monitoring/prometheus-shard-${index}.yml`,
    content: yaml(prometheusConfig(model, { ...FLEET_OPTIONS, shard: { index, of: shards } })),
  }));
}

export const monitoringView: View = {
  name: 'monitoring',
  render: (model) => {
    const sets = cityRuleSets(model);
    return [
      ...prometheusFiles(model),
      { path: `monitoring/${RULES_FILE}`, content: rulesYaml(sets) },
      { path: 'monitoring/tests/citycloud.rules.test.yml', content: ruleTestsYaml(sets, `../${RULES_FILE}`) },
      { path: 'monitoring/alertmanager.yml', content: yaml(alertmanagerConfig(model)) },
      { path: 'monitoring/blackbox.yml', content: yaml(blackboxConfig()) },
      { path: 'monitoring/targets/nodes.json', content: toDiffableJson(nodeTargets(model)) },
      { path: 'monitoring/targets/warehouses.json', content: toDiffableJson(warehouseTargets(model)) },
      {
        path: 'monitoring/targets/services.json',
        content: toDiffableJson([
          {
            targets: ['public-portal-metrics.public-portal.svc:9400'],
            labels: { component: 'public-services-portal' },
          },
        ]),
      },
    ];
  },
};
