/**
 * A WAL-G exporter beside each PostgreSQL shard replica that backs up, so its backups can be
 * watched: gopaytech/wal-g-prometheus-exporter, read at v0.3.1 (51e21af, exporter.py). It serves on
 * 9351 (`http_port`, not configurable; the pod's port `walg-metrics`), every
 * WALG_EXPORTER_SCRAPE_INTERVAL seconds runs `wal-g backup-list --detail --json` and
 * `wal-g wal-verify integrity --json`, and reads PostgreSQL's pg_stat_archiver and the `.ready`
 * files of `--archive_dir`. Its families have no labels of their own but `type`:
 * `walg_last_upload{type="basebackup"|"xlog"|"wal"}` (unix seconds), `walg_basebackup_count`,
 * `walg_oldest_basebackup`, `walg_missing_remote_wal_segment_at_end`, `walg_exception`,
 * `walg_basebackup{…}` per backup, `walg_xlogs_since_basebackup`, `walg_last_backup_duration`,
 * `walg_wal_integrity_status{status}`, `walg_wal_archive_count`, `walg_wal_archive_missing_count`.
 *
 * How it runs here:
 * - WAL-G as Spilo runs it: the sidecar's image is the city's build FROM the pinned Spilo image
 *   (its wal-g, v3.0.3 at 3.3-p3, and `envdir`) with exporter.py v0.3.1 and its requirements as
 *   `wal-g-exporter`; gopaytech publishes no image. It reads Spilo's envdir (the pod's emptyDir,
 *   spilo-backup.ts) through `envdir`, so it sees the same bucket, credentials and key.
 * - PostgreSQL over the unix socket Spilo listens on (an emptyDir shared at /run/postgresql), as
 *   `postgres`, which Spilo's pg_hba trusts locally; `.ready` files on the data volume, read-only.
 * - The exporter waits for a flag file (/var/lib/postgresql/walg_exporter.enable) and, without it,
 *   leaves its loop: the sidecar creates it in a volume of its own.
 * - Every replica runs one (the leader moves). A replica has no archiver: its exporter's WAL
 *   callback raises, and the scrape of that replica fails, by the exporter's design; Patroni
 *   labels the leader `spilo-role=master`, which a scrape can keep to.
 */
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import type { Construct } from 'constructs';
import type { PodParts } from './backup-pod.ts';
import { sidecarResources } from './backup-pod.ts';
import type { ShardPod } from './engine.ts';
import { WALG_ENV_DIR, WALG_ENV_VOLUME } from './spilo-backup.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

/**
 * The exporter's image: built by the city (README), FROM ghcr.io/zalando/spilo-16:3.3-p3 with
 * gopaytech/wal-g-prometheus-exporter v0.3.1's exporter.py; the tag names both.
 */
export const WALG_EXPORTER_IMAGE = 'registry.hcmc.gov.vn/platform/wal-g-exporter:0.3.1-spilo-16-3.3-p3';

/** exporter.py's port, and its name on the pod. */
export const WALG_EXPORTER_PORT = 9351;
export const WALG_EXPORTER_PORT_NAME = 'walg-metrics';

/** Seconds between two WAL-G listings (each lists the bucket: every 5 minutes, not every minute). */
export const WALG_EXPORTER_INTERVAL_SECONDS = 300;

const SOCKET_DIR = '/run/postgresql';
const FLAG_DIR = '/var/lib/postgresql';

/** The exporter sidecar of a PostgreSQL shard that backs up (nothing for other shards). */
export function walgExporterParts(pod: ShardPod, dataPath: string): Partial<PodParts> {
  if (!pod.backup || pod.warehouse.engine !== 'postgresql') return {};
  const socket = { name: 'pg-socket', mountPath: SOCKET_DIR };
  return {
    // Spilo's own container puts its socket where the exporter finds it
    volumeMounts: [socket],
    sidecars: [
      {
        name: 'walg-exporter',
        image: WALG_EXPORTER_IMAGE,
        command: [
          'sh',
          '-c',
          `touch ${FLAG_DIR}/walg_exporter.enable && exec envdir "$WALE_ENV_DIR" wal-g-exporter --archive_dir "$PGDATA/pg_wal/archive_status"`,
        ],
        env: [
          { name: 'WALE_ENV_DIR', value: WALG_ENV_DIR },
          { name: 'PGDATA', value: `${dataPath}/pgroot/data` },
          { name: 'PGHOST', value: SOCKET_DIR },
          { name: 'PGUSER', value: 'postgres' },
          { name: 'PGDATABASE', value: 'postgres' },
          { name: 'WALG_BINARY_PATH', value: '/usr/local/bin/wal-g' },
          { name: 'WALG_EXPORTER_SCRAPE_INTERVAL', value: String(WALG_EXPORTER_INTERVAL_SECONDS) },
        ],
        port: [{ name: WALG_EXPORTER_PORT_NAME, containerPort: WALG_EXPORTER_PORT }],
        resources: sidecarResources('200m', '256Mi'),
        volumeMount: [
          { name: 'data', mountPath: dataPath, readOnly: true },
          { name: WALG_ENV_VOLUME, mountPath: WALG_ENV_DIR, readOnly: true },
          socket,
          { name: 'walg-exporter-flag', mountPath: FLAG_DIR },
        ],
      },
    ],
    volumes: [
      { name: 'pg-socket', emptyDir: {} },
      { name: 'walg-exporter-flag', emptyDir: { sizeLimit: '1Mi' } },
    ],
  };
}

/**
 * Prometheus in the cluster may scrape the exporters (the warehouse denies ingress by default):
 * `walg-metrics` only, on the PostgreSQL pods, from any namespace — the series name backups,
 * their sizes and times, no data and no key.
 */
export function allowWalgMetrics(scope: Construct, ws: WarehouseScope): void {
  const name = `${ws.warehouse.id}-allow-walg-metrics`;
  new NetworkPolicyV1(scope, 'policy-allow-walg-metrics', {
    metadata: ws.metadata(name),
    spec: {
      podSelector: { matchLabels: { ...ws.base, 'app.kubernetes.io/name': 'postgresql' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: {} }],
          ports: [{ port: String(WALG_EXPORTER_PORT), protocol: 'TCP' }],
        },
      ],
    },
  }).overrideLogicalId(name);
}
