/**
 * What the kubelets and the API server report that the Kubernetes alerts read: each claimed
 * volume's space and inodes (kubelet_volume_stats_*, the kubelet's /metrics), each container's CFS
 * periods and throttled periods (cAdvisor, the kubelet's /metrics/cadvisor), and the expiry of the
 * client certificates presented to the API server (a histogram, apiserver's /metrics).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export const KUBELET_VOLUME = {
  capacity: 'kubelet_volume_stats_capacity_bytes',
  available: 'kubelet_volume_stats_available_bytes',
  used: 'kubelet_volume_stats_used_bytes',
  inodes: 'kubelet_volume_stats_inodes',
  inodesFree: 'kubelet_volume_stats_inodes_free',
  inodesUsed: 'kubelet_volume_stats_inodes_used',
} as const;
export const CFS_PERIODS = 'container_cpu_cfs_periods_total';
export const CFS_THROTTLED = 'container_cpu_cfs_throttled_periods_total';
export const CLIENT_CERT_EXPIRATION = 'apiserver_client_certificate_expiration_seconds';
/** The API server's buckets for client certificate expiry, seconds (k8s.io/apiserver). */
export const CLIENT_CERT_BUCKETS = [
  0, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 345600, 604800, 2592000, 7776000, 15552000, 31104000,
] as const;

export interface VolumeReading {
  readonly namespace: string;
  readonly persistentvolumeclaim: string;
  readonly capacityBytes: number;
  readonly usedBytes: number;
  readonly inodes: number;
  readonly inodesUsed: number;
}

export interface ThrottlingReading {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Counters since the container started. */
  readonly periods: number;
  readonly throttled: number;
}

export function createKubeletVolumes(registry: Registry, read: () => readonly VolumeReading[]) {
  let rows: readonly VolumeReading[] = [];
  const labels = ['namespace', 'persistentvolumeclaim'];
  const families: [string, string, (v: VolumeReading) => number][] = [
    [KUBELET_VOLUME.capacity, 'Capacity in bytes of the volume', (v) => v.capacityBytes],
    [
      KUBELET_VOLUME.available,
      'Number of available bytes in the volume',
      (v) => Math.max(0, v.capacityBytes - v.usedBytes),
    ],
    [KUBELET_VOLUME.used, 'Number of used bytes in the volume', (v) => v.usedBytes],
    [KUBELET_VOLUME.inodes, 'Maximum number of inodes in the volume', (v) => v.inodes],
    [KUBELET_VOLUME.inodesFree, 'Number of free inodes in the volume', (v) => v.inodes - v.inodesUsed],
    [KUBELET_VOLUME.inodesUsed, 'Number of used inodes in the volume', (v) => v.inodesUsed],
  ];
  families.forEach(([name, help, value], i) => {
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      collect() {
        // the first family reads the scrape's volumes; prom-client collects in registration order
        if (i === 0) rows = read();
        this.reset();
        for (const v of rows)
          this.set({ namespace: v.namespace, persistentvolumeclaim: v.persistentvolumeclaim }, value(v));
      },
    });
  });
}

export function createCadvisorThrottling(registry: Registry, read: () => readonly ThrottlingReading[]) {
  let rows: readonly ThrottlingReading[] = [];
  const labels = ['namespace', 'pod', 'container'];
  const families: [string, string, (t: ThrottlingReading) => number][] = [
    [CFS_PERIODS, 'Number of elapsed enforcement period intervals.', (t) => t.periods],
    [CFS_THROTTLED, 'Number of throttled period intervals.', (t) => t.throttled],
  ];
  families.forEach(([name, help, value], i) => {
    new Counter({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      collect() {
        if (i === 0) rows = read();
        this.reset();
        for (const t of rows)
          this.inc({ namespace: t.namespace, pod: t.pod, container: t.container }, value(t));
      },
    });
  });
}

/**
 * The API server's histogram of client certificate expiry: `requests()` client requests so far,
 * each presenting a certificate that expires in `expirySeconds()`. The buckets count the requests
 * since the last scrape into the buckets of the expiry then, so they never go back when it changes.
 */
export function createClientCertificates(
  registry: Registry,
  read: () => { readonly requests: number; readonly expirySeconds: number },
) {
  const counts = new Map<string, number>();
  let seen: number | null = null;
  let total = 0;
  new Counter({
    name: `${CLIENT_CERT_EXPIRATION}_bucket`,
    help: 'Distribution of the remaining lifetime on the certificate used to authenticate a request.',
    labelNames: ['le'],
    registers: [registry],
    collect() {
      const r = read();
      const added = seen === null ? r.requests : Math.max(0, r.requests - seen);
      seen = Math.max(seen ?? 0, r.requests);
      total += added;
      this.reset();
      for (const le of [...CLIENT_CERT_BUCKETS.map(String), '+Inf']) {
        const within = le === '+Inf' || r.expirySeconds <= Number(le);
        counts.set(le, (counts.get(le) ?? 0) + (within ? added : 0));
        this.inc({ le }, counts.get(le) as number);
      }
    },
  });
  new Counter({
    name: `${CLIENT_CERT_EXPIRATION}_count`,
    help: 'Distribution of the remaining lifetime on the certificate used to authenticate a request.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total);
    },
  });
}
