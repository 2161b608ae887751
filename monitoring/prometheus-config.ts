/**
 * prometheus.yml: node, warehouse, WAL-G and service scrape jobs from file_sd targets, and blackbox
 * probes of every connection point (ICMP and TCP over IPv4, with the multi-target relabelling:
 * the point becomes the probe's `target` parameter and its `instance`, and blackbox_exporter the
 * address scraped). With `shards: N`, each shard's config keeps the targets whose address and
 * path hash to it (hashmod), so N servers share the scraping, and a global Prometheus federates
 * the shards' partial sums (rules/shard-split.ts says why federation).
 */
import { type CityModel, KSM_NAME, KSM_NAMESPACE, KSM_PORT } from '../model/index.ts';
import { cityRuleSets } from './rules/all-rules.ts';
import { WALG_JOB } from './rules/backup-rules.ts';
import { FEDERATE_CURRENT_JOB, FEDERATE_JOB } from './rules/federation-rules.ts';
import { FEDERATE_CURRENT_MATCH, FEDERATE_MATCH, SHARD_LABEL } from './rules/shard-split.ts';
import { GLOBAL_RULES_FILE, rulesFileOf, SHARD_RULES_FILE } from './rules-file.ts';

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
    readonly kubelets: string;
    /** The WAL-G exporters beside the PostgreSQL warehouses' pods. */
    readonly walg: string;
  };
  /** This shard and how many there are; omitted for a single server. */
  readonly shard?: { readonly index: number; readonly of: number };
  /** How often the connection points are probed, seconds (default: the scrape interval). */
  readonly probeIntervalSeconds?: number;
  /** Where the Kubernetes jobs scrape instead of the cluster: the local stack's simulator. */
  readonly kubernetesAt?: string;
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
    kubelets: 'targets/kubelets.json',
    walg: 'targets/walg.json',
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

/**
 * The credentials the kubelets and the API server ask Prometheus for: a service account's token
 * and the cluster's CA, which the deployment puts beside the config (synth never writes a secret).
 */
export const KUBERNETES_CREDENTIALS = { token: 'kubernetes/token', ca: 'kubernetes/ca.crt' } as const;
// a new object each time: a shared one would be written as a YAML alias
const authenticated = () => ({
  scheme: 'https',
  authorization: { credentials_file: KUBERNETES_CREDENTIALS.token },
  tls_config: { ca_file: KUBERNETES_CREDENTIALS.ca },
});

/**
 * The Kubernetes jobs, named as kubernetes-mixin's selectors name them. Their targets come from
 * the model, as node_exporter's do, not from Kubernetes service discovery: the inventory knows
 * every Node before the cluster does (a kubelet that never registered is still a target, and
 * pages), Prometheus needs no API credentials to discover with (only the token the kubelets and the
 * API server ask of a scrape), and Debian's Prometheus (2.42, which checks the config and runs the
 * local stack) is built without Kubernetes discovery. The names are the cluster's DNS names:
 * Prometheus runs in the cluster, or on a network that resolves them. So kube-state-metrics and the API server are their
 * Services' names, and every kubelet (and its cAdvisor) is a server in service on the kubelet's
 * port, labelled `node` as kube-prometheus relabels it (targets/kubelets.json). kube-state-metrics'
 * own labels (namespace, pod, node) are the objects', so its job honours them. Locally, every job
 * scrapes the simulator's path for it.
 */
function kubernetesJobs(options: PrometheusOptions): object[] {
  const shard = options.shard ? hashmod(options.shard) : [];
  const local = options.kubernetesAt;
  const job = (name: string, path: string, targets: object, extra: object = {}) => ({
    job_name: name,
    ...(local ? {} : extra),
    ...(local
      ? { metrics_path: LOCAL_KUBERNETES_PATHS[name] }
      : path === '/metrics'
        ? {}
        : { metrics_path: path }),
    ...(local ? { static_configs: [{ targets: [local] }] } : targets),
    ...(shard.length ? { relabel_configs: shard } : {}),
  });
  const kubelets = () => ({ file_sd_configs: [{ files: [options.targets.kubelets] }] });
  return [
    {
      ...job('kube-state-metrics', '/metrics', {
        static_configs: [{ targets: [`${KSM_NAME}.${KSM_NAMESPACE}.svc:${KSM_PORT}`] }],
      }),
      honor_labels: true,
    },
    job(
      'kube-apiserver',
      '/metrics',
      { static_configs: [{ targets: ['kubernetes.default.svc:443'] }] },
      authenticated(),
    ),
    job('kubelet', '/metrics', kubelets(), authenticated()),
    job('cadvisor', '/metrics/cadvisor', kubelets(), authenticated()),
    // cert-manager's controller: each Certificate's expiry (the rotate-certificates runbook)
    job('cert-manager', '/metrics', {
      static_configs: [{ targets: ['cert-manager.cert-manager.svc:9402'] }],
    }),
  ];
}

/** The simulator's path for each Kubernetes job (monitoring/simulator/fleet-simulator.ts). */
export const LOCAL_KUBERNETES_PATHS: Readonly<Record<string, string>> = {
  'kube-state-metrics': '/kube-state-metrics/metrics',
  'kube-apiserver': '/apiserver/metrics',
  kubelet: '/kubelet/metrics',
  cadvisor: '/kubelet/metrics/cadvisor',
  'cert-manager': '/cert-manager/metrics',
};

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
    // each group's file by name, not a glob: a file left or dropped in the folder is not loaded
    rule_files: options.shard ? [SHARD_RULES_FILE] : cityRuleSets(model).map((set) => rulesFileOf(set.name)),
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
      // the PostgreSQL shards' backups (rules/backup-rules.ts)
      fileSd(WALG_JOB, options.targets.walg),
      probe('blackbox-icmp', 'icmp_ipv4', ''),
      probe('blackbox-tcp', 'tcp_connect_ipv4', ':22'),
      probe('snmp-uplinks', 'if_mib', '', {
        path: '/snmp',
        address: options.snmpAddress,
        targets: options.targets.uplinks,
      }),
      ...kubernetesJobs(options),
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
