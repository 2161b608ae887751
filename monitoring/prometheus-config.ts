/**
 * prometheus.yml: node, warehouse and service scrape jobs from file_sd targets, and blackbox
 * probes of every connection point (ICMP and TCP over IPv4, with the multi-target relabelling:
 * the point becomes the probe's `target` parameter and its `instance`, and blackbox_exporter the
 * address scraped). With `shards: N`, each shard's config keeps the targets whose address and
 * path hash to it (hashmod), so N servers share the scraping, and a global Prometheus federates
 * the shards' partial sums (rules/shard-split.ts says why federation).
 */
import type { CityModel } from '../model/index.ts';
import { FEDERATE_CURRENT_JOB, FEDERATE_JOB } from './rules/federation-rules.ts';
import { FEDERATE_CURRENT_MATCH, FEDERATE_MATCH, SHARD_LABEL } from './rules/shard-split.ts';
import { GLOBAL_RULES_FILE, RULES_FILE, SHARD_RULES_FILE } from './rules-file.ts';

export interface PrometheusOptions {
  /** Where blackbox_exporter listens. */
  readonly blackboxAddress: string;
  /** Where snmp_exporter listens. */
  readonly snmpAddress: string;
  readonly alertmanagerAddress: string;
  /** file_sd paths, relative to the config file. */
  readonly targets: {
    readonly nodes: string;
    readonly warehouses: string;
    readonly services: string;
    readonly points: string;
    readonly uplinks: string;
  };
  /** This shard and how many there are; omitted for a single server. */
  readonly shard?: { readonly index: number; readonly of: number };
  /** How often the connection points are probed, seconds (default: the scrape interval). */
  readonly probeIntervalSeconds?: number;
}

export const FLEET_OPTIONS: PrometheusOptions = {
  blackboxAddress: '127.0.0.1:9115',
  snmpAddress: '127.0.0.1:9116',
  alertmanagerAddress: '127.0.0.1:9093',
  targets: {
    nodes: 'targets/nodes.json',
    warehouses: 'targets/warehouses.json',
    services: 'targets/services.json',
    points: '../network/blackbox-targets.json',
    uplinks: 'targets/uplinks.json',
  },
};

/** Where the fleet's shards listen, as the global federates them. */
export const fleetShardAddress = (index: number) => `prometheus-shard-${index}:9090`;

// the address and the path: targets behind one address (an exporter proxy, the local simulator)
// spread too, and on the fleet, where every path is /metrics, the address alone decides
const hashmod = (shard: PrometheusOptions['shard']) =>
  shard
    ? [
        {
          source_labels: ['__address__', '__metrics_path__'],
          modulus: shard.of,
          target_label: '__tmp_shard',
          action: 'hashmod',
        },
        { source_labels: ['__tmp_shard'], regex: String(shard.index), action: 'keep' },
      ]
    : [];

export function prometheusConfig(model: CityModel, options: PrometheusOptions): object {
  const interval = `${model.monitoring.scrapeIntervalSeconds}s`;
  // the multi-target pattern: the target becomes the exporter's `target` parameter and the
  // series' instance, and the exporter the address scraped
  const points = { path: '/probe', address: options.blackboxAddress, targets: options.targets.points };
  // the points' probes on their own interval when one is given (a timeout as long)
  const every = options.probeIntervalSeconds ?? model.monitoring.scrapeIntervalSeconds;
  const pointTiming =
    every === model.monitoring.scrapeIntervalSeconds
      ? {}
      : { scrape_interval: `${every}s`, scrape_timeout: `${every}s` };
  const probe = (job: string, module: string, port: string, via = points) => ({
    job_name: job,
    ...(via === points ? pointTiming : {}),
    metrics_path: via.path,
    params: { module: [module] },
    file_sd_configs: [{ files: [via.targets] }],
    relabel_configs: [
      ...hashmod(options.shard),
      {
        source_labels: ['__address__'],
        regex: '(.*)',
        replacement: `$1${port}`,
        target_label: '__param_target',
      },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: via.address },
    ],
  });
  const fileSd = (job: string, file: string) => ({
    job_name: job,
    file_sd_configs: [{ files: [file] }],
    ...(options.shard ? { relabel_configs: hashmod(options.shard) } : {}),
  });
  return {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      external_labels: {
        city: model.city.code,
        ...(options.shard ? { [SHARD_LABEL]: String(options.shard.index) } : {}),
      },
    },
    rule_files: [options.shard ? SHARD_RULES_FILE : RULES_FILE],
    alerting: {
      // a shard's alerts leave without its label, so Alertmanager sees one alert per target
      // whichever shard scrapes it (after a reshard too)
      ...(options.shard ? { alert_relabel_configs: [{ action: 'labeldrop', regex: SHARD_LABEL }] } : {}),
      alertmanagers: [{ static_configs: [{ targets: [options.alertmanagerAddress] }] }],
    },
    scrape_configs: [
      fileSd('node', options.targets.nodes),
      fileSd('warehouse', options.targets.warehouses),
      fileSd('services', options.targets.services),
      probe('blackbox-icmp', 'icmp_ipv4', ''),
      probe('blackbox-tcp', 'tcp_connect_ipv4', ':22'),
      probe('snmp-uplinks', 'if_mib', '', {
        path: '/snmp',
        address: options.snmpAddress,
        targets: options.targets.uplinks,
      }),
    ],
  };
}

/**
 * The global Prometheus: federates every shard's partial records (`honor_labels`, so each keeps
 * its `prometheus_shard`), adds them up and evaluates the aggregate alerts (GLOBAL_RULES_FILE);
 * and, in a second job, the per-server series the runbooks read (FEDERATE_CURRENT_JOB says why).
 */
export function globalPrometheusConfig(
  model: CityModel,
  options: { readonly alertmanagerAddress: string; readonly shardAddresses: readonly string[] },
): object {
  const interval = `${model.monitoring.scrapeIntervalSeconds}s`;
  return {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      external_labels: { city: model.city.code },
    },
    rule_files: [GLOBAL_RULES_FILE],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanagerAddress] }] }] },
    scrape_configs: [
      {
        job_name: FEDERATE_JOB,
        honor_labels: true,
        metrics_path: '/federate',
        params: { 'match[]': [...FEDERATE_MATCH] },
        static_configs: [{ targets: [...options.shardAddresses] }],
      },
      {
        job_name: FEDERATE_CURRENT_JOB,
        honor_labels: true,
        honor_timestamps: false,
        metrics_path: '/federate',
        params: { 'match[]': [...FEDERATE_CURRENT_MATCH] },
        static_configs: [{ targets: [...options.shardAddresses] }],
      },
    ],
  };
}
