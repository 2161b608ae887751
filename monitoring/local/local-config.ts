/**
 * The configuration of the local monitoring stack: the generated Prometheus config and rules,
 * with every target pointed at the fleet simulator (one target per server, told apart by its
 * metrics path), the simulator standing in for blackbox_exporter, and an optional time scale
 * that shortens scrape intervals and `for` windows for demonstrations and tests.
 */
import { stringify } from 'yaml';
import type { CityModel } from '../../model/index.ts';
import { pointTargetGroups } from '../../network/blackbox-targets.ts';
import { toDiffableJson } from '../../view/diffable-json.ts';
import { alertmanagerConfig } from '../alertmanager-config.ts';
import { prometheusConfig } from '../prometheus-config.ts';
import { minutesOf } from '../rule-types.ts';
import { cityRuleSets } from '../rules/all-rules.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { RULES_FILE, rulesYaml } from '../rules-file.ts';
import { nodeTargets, warehouseTargets } from '../scrape-targets.ts';

export interface LocalPorts {
  readonly prometheus: number;
  readonly alertmanager: number;
  readonly simulator: number;
}

/** `for` windows divided by the time scale (at least one second). */
export function scaleRules(sets: readonly RuleSet[], timeScale: number): RuleSet[] {
  if (timeScale === 1) return [...sets];
  return sets.map((set) => ({
    ...set,
    alerts: set.alerts.map((a) => ({
      ...a,
      rule: { ...a.rule, for: `${Math.max(1, Math.round((minutesOf(a.rule.for) * 60) / timeScale))}s` },
    })),
  }));
}

/** Every file of the local stack's folder, relative path → content. */
export function localStackFiles(model: CityModel, ports: LocalPorts, timeScale: number): Map<string, string> {
  const sim = `127.0.0.1:${ports.simulator}`;
  const scaled = {
    ...model,
    monitoring: {
      ...model.monitoring,
      scrapeIntervalSeconds: Math.max(1, Math.round(model.monitoring.scrapeIntervalSeconds / timeScale)),
    },
  };
  const config = prometheusConfig(scaled, {
    blackboxAddress: sim,
    alertmanagerAddress: `127.0.0.1:${ports.alertmanager}`,
    targets: {
      nodes: 'targets/nodes.json',
      warehouses: 'targets/warehouses.json',
      services: 'targets/services.json',
      points: 'targets/points.json',
    },
  });
  const viaSimulator = (
    groups: { labels: Record<string, string> }[],
    path: (labels: Record<string, string>) => string,
  ) => groups.map((g) => ({ targets: [sim], labels: { ...g.labels, __metrics_path__: path(g.labels) } }));
  const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });
  return new Map([
    ['prometheus.yml', yaml(config)],
    [RULES_FILE, rulesYaml(scaleRules(cityRuleSets(model), timeScale))],
    ['alertmanager.yml', yaml(alertmanagerConfig(model))],
    [
      'targets/nodes.json',
      toDiffableJson(viaSimulator(nodeTargets(model), (l) => `/servers/${l.instance}/metrics`)),
    ],
    [
      'targets/warehouses.json',
      toDiffableJson(viaSimulator(warehouseTargets(model), (l) => `/warehouses/${l.warehouse}/metrics`)),
    ],
    [
      'targets/services.json',
      toDiffableJson([
        {
          targets: [sim],
          labels: { component: 'public-services-portal', __metrics_path__: '/services/metrics' },
        },
      ]),
    ],
    ['targets/points.json', toDiffableJson(pointTargetGroups(model))],
  ]);
}
