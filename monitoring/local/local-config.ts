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
import { globalPrometheusConfig, LOCAL_KUBERNETES_PATHS, prometheusConfig } from '../prometheus-config.ts';
import { minutesOf } from '../rule-types.ts';
import { cityRuleSets } from '../rules/all-rules.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { cityShardedRuleSets } from '../rules/shard-split.ts';
import { GLOBAL_RULES_FILE, rulesFiles, rulesYaml, SHARD_RULES_FILE } from '../rules-file.ts';
import { nodeTargets, uplinkTargets, walgTargets, warehouseTargets } from '../scrape-targets.ts';

export interface LocalPorts {
  /** The one Prometheus, or with shards the global one. */
  readonly prometheus: number;
  readonly alertmanager: number;
  readonly simulator: number;
  /** One port per shard Prometheus; none (or one) for a single Prometheus. */
  readonly shards?: readonly number[];
}

/**
 * The rules on a faster clock: `for` windows divided by the time scale (at least one second), and
 * so are the range windows of the expressions (`rate(…[5m])`, `predict_linear(…[6h], …)`), kept
 * at four scrape intervals at least so a rate always has samples; a load change then shows in a
 * pool's rate as soon as its alert's `for` would expect. Record names keep their windows.
 */
export function scaleRules(sets: readonly RuleSet[], timeScale: number, scrapeSeconds = 1): RuleSet[] {
  if (timeScale === 1) return [...sets];
  const seconds = (minutes: number) => Math.max(1, Math.round((minutes * 60) / timeScale));
  const ranges = (expr: string) =>
    expr.replace(
      /\[(\d+[smhd])\]/g,
      (_, d: string) => `[${Math.max(4 * scrapeSeconds, seconds(minutesOf(d)))}s]`,
    );
  return sets.map((set) => ({
    ...set,
    recording: set.recording.map((r) => ({ ...r, expr: ranges(r.expr) })),
    alerts: set.alerts.map((a) => ({
      ...a,
      rule: { ...a.rule, expr: ranges(a.rule.expr), for: `${seconds(minutesOf(a.rule.for))}s` },
    })),
  }));
}

/**
 * The fewest seconds between two scrapes of a target on a faster clock: every server answers
 * from the one simulator process, and at 1 s a busy 2-core machine answers late, so servers that
 * are up read as down (the scrape timeout is the interval).
 */
export const SCRAPE_FLOOR_SECONDS = 2;
/**
 * The fewest seconds between two probes of a connection point on a faster clock: points are
 * most of the targets (two probes each) and no runbook gate reads them, so they are probed less
 * often than servers are scraped; a point down is seen up to this much later.
 */
export const PROBE_FLOOR_SECONDS = 5;

/** The local stack's scrape interval and probe interval, seconds, at a time scale. */
export function localIntervals(model: CityModel, timeScale: number) {
  const interval = Math.max(
    SCRAPE_FLOOR_SECONDS,
    Math.round(model.monitoring.scrapeIntervalSeconds / timeScale),
  );
  return { interval, probeInterval: Math.max(PROBE_FLOOR_SECONDS, interval) };
}

/** The config file of shard `index` in the local stack's folder. */
export const shardConfigFile = (index: number) => `prometheus-shard-${index}.yml`;

/**
 * The Prometheus configs and rules: one Prometheus with every rule, or a shard per port in
 * `ports.shards` and the global (prometheus.yml, on `ports.prometheus`) with the rules split.
 */
function prometheusFiles(model: CityModel, ports: LocalPorts, timeScale: number): [string, string][] {
  const { interval, probeInterval } = localIntervals(model, timeScale);
  const scaled = { ...model, monitoring: { ...model.monitoring, scrapeIntervalSeconds: interval } };
  const alertmanagerAddress = `127.0.0.1:${ports.alertmanager}`;
  const options = {
    probeIntervalSeconds: probeInterval,
    blackboxAddress: `127.0.0.1:${ports.simulator}`,
    snmpAddress: `127.0.0.1:${ports.simulator}`,
    kubernetesAt: `127.0.0.1:${ports.simulator}`,
    alertmanagerAddress,
    targets: {
      nodes: 'targets/nodes.json',
      warehouses: 'targets/warehouses.json',
      services: 'targets/services.json',
      points: 'targets/points.json',
      uplinks: 'targets/uplinks.json',
      kubelets: 'targets/kubelets.json',
      walg: 'targets/walg.json',
    },
  };
  const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });
  const shards = ports.shards ?? [];
  if (shards.length < 2)
    return [
      ['prometheus.yml', yaml(prometheusConfig(scaled, options))],
      ...rulesFiles(scaleRules(cityRuleSets(model), timeScale, interval)),
    ];
  const split = cityShardedRuleSets(model);
  return [
    ...shards.map((_, index): [string, string] => [
      shardConfigFile(index),
      yaml(prometheusConfig(scaled, { ...options, shard: { index, of: shards.length } })),
    ]),
    [
      'prometheus.yml',
      yaml(
        globalPrometheusConfig(scaled, {
          alertmanagerAddress,
          shardAddresses: shards.map((port) => `127.0.0.1:${port}`),
        }),
      ),
    ],
    [SHARD_RULES_FILE, rulesYaml(scaleRules(split.shard, timeScale, interval))],
    [GLOBAL_RULES_FILE, rulesYaml(scaleRules(split.global, timeScale, interval))],
  ];
}

/**
 * How many targets the local stack scrapes: the servers in service (a planned phase's are not
 * targets), the warehouses, the services, two probes a point, the district hubs' uplinks and the
 * cluster's jobs.
 */
export function localTargetCount(model: CityModel): number {
  return (
    nodeTargets(model).length +
    warehouseTargets(model).length +
    walgTargets(model).length +
    1 +
    2 * model.network.points.length +
    uplinkTargets(model).length +
    Object.keys(LOCAL_KUBERNETES_PATHS).length
  );
}

/** Every file of the local stack's folder, relative path → content. */
export function localStackFiles(model: CityModel, ports: LocalPorts, timeScale: number): Map<string, string> {
  const sim = `127.0.0.1:${ports.simulator}`;
  const viaSimulator = (
    groups: { labels: Record<string, string> }[],
    path: (labels: Record<string, string>) => string,
  ) => groups.map((g) => ({ targets: [sim], labels: { ...g.labels, __metrics_path__: path(g.labels) } }));
  const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });
  return new Map([
    ...prometheusFiles(model, ports, timeScale),
    ['alertmanager.yml', yaml(alertmanagerConfig(model))],
    [
      'targets/nodes.json',
      toDiffableJson(viaSimulator(nodeTargets(model), (l) => `/servers/${l.instance}/metrics`)),
    ],
    [
      'targets/warehouses.json',
      toDiffableJson(viaSimulator(warehouseTargets(model), (l) => `/warehouses/${l.warehouse}/metrics`)),
    ],
    ['targets/walg.json', toDiffableJson(viaSimulator(walgTargets(model), (l) => `/walg/${l.pod}/metrics`))],
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
    ['targets/uplinks.json', toDiffableJson(uplinkTargets(model))],
  ]);
}
