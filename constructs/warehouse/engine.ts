/**
 * What differs between the warehouses' database engines, as one object each: ports, the data
 * path, the pods' labels, the environment and the probes, and what the engine needs beside its
 * shards (ClickHouse a Keeper quorum; PostgreSQL, run by Patroni, its leader lock in the
 * Kubernetes API). WarehouseCluster asks its engine instead of branching on its name.
 */
import type {
  StatefulSetV1SpecTemplateSpecContainer,
  StatefulSetV1SpecTemplateSpecContainerEnv,
} from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import type { Warehouse } from '../../model/index.ts';
import { DEFAULT_WAREHOUSE_IMAGES, type WarehouseImages } from '../../model/warehouse-images.ts';
import type { PodParts } from './backup-pod.ts';
import type { BackupTarget } from './backup-target.ts';
import { clickhouseBackupParts } from './clickhouse-credentials.ts';
import { spiloBackupParts } from './spilo-backup.ts';

/** The pinned images (model/warehouse-images.ts, which the restore drill reads too). */
export { DEFAULT_WAREHOUSE_IMAGES, type WarehouseImages };

export interface Port {
  readonly name: string;
  readonly port: number;
}

/** What a shard's pod is, for one shard of one warehouse. */
export interface ShardPod {
  readonly warehouse: Warehouse;
  readonly shard: string;
  /** The labels that select the shard's pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** The Keeper quorum's hosts, for an engine that uses one. */
  readonly keeperHosts: readonly string[];
  /** Where the shard sends its backups. */
  readonly backup?: BackupTarget;
  /** The engine's image, as the shard runs it. */
  readonly image: string;
}

export interface WarehouseEngine {
  readonly name: Warehouse['engine'];
  readonly ports: readonly Port[];
  /** Ports the warehouse's readers connect to. */
  readonly clientPorts: readonly number[];
  readonly dataPath: string;
  /** A ClickHouse Keeper quorum beside the shards. */
  readonly needsKeeper: boolean;
  /** The engine keeps its leader lock in the Kubernetes API (Patroni). */
  readonly leaderLockInKubernetes: boolean;
  image(images: WarehouseImages): string;
  /** The pod template's labels: the selector and what the engine's tools look for. */
  podLabels(pod: ShardPod): Record<string, string>;
  env(pod: ShardPod): StatefulSetV1SpecTemplateSpecContainerEnv[];
  /** What backing the shard up adds to its pod (the engine's container's keys, sidecars, volumes). */
  backupParts(pod: ShardPod): Partial<PodParts>;
  readinessProbe: StatefulSetV1SpecTemplateSpecContainer['readinessProbe'];
  livenessProbe: StatefulSetV1SpecTemplateSpecContainer['livenessProbe'];
}

const CLICKHOUSE: WarehouseEngine = {
  name: 'clickhouse',
  ports: [
    { name: 'native', port: 9000 },
    { name: 'http', port: 8123 },
    { name: 'interserver', port: 9009 },
  ],
  clientPorts: [9000, 8123],
  dataPath: '/var/lib/clickhouse',
  needsKeeper: true,
  leaderLockInKubernetes: false,
  image: (images) => images.clickhouse,
  podLabels: ({ selector }) => ({ ...selector, 'app.kubernetes.io/name': 'clickhouse' }),
  env: ({ warehouse, shard, keeperHosts }) => [
    { name: 'CLICKHOUSE_CLUSTER', value: warehouse.id },
    { name: 'CLICKHOUSE_SHARD', value: shard },
    { name: 'CLICKHOUSE_KEEPER_HOSTS', value: keeperHosts.join(',') },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ],
  // the server makes the S3 requests of a BACKUP: its environment holds the target's keys
  backupParts: ({ warehouse, backup }) => (backup ? clickhouseBackupParts(warehouse.id, backup) : {}),
  readinessProbe: { httpGet: { path: '/ping', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
  livenessProbe: { httpGet: { path: '/ping', port: 'http' }, periodSeconds: 20, failureThreshold: 6 },
};

/** PostgreSQL as Patroni runs it (the Spilo image): a cluster per shard, its leader elected through the API. */
const POSTGRESQL: WarehouseEngine = {
  name: 'postgresql',
  ports: [
    { name: 'postgresql', port: 5432 },
    { name: 'patroni', port: 8008 },
  ],
  clientPorts: [5432],
  dataPath: '/home/postgres/pgdata',
  needsKeeper: false,
  leaderLockInKubernetes: true,
  image: (images) => images.postgresql,
  podLabels: ({ selector, shard }) => ({
    ...selector,
    'app.kubernetes.io/name': 'postgresql',
    'cluster-name': shard,
  }),
  env: ({ shard }) => [
    { name: 'SCOPE', value: shard },
    { name: 'PGROOT', value: '/home/postgres/pgdata/pgroot' },
    { name: 'DCS_ENABLE_KUBERNETES_API', value: 'true' },
    { name: 'KUBERNETES_USE_CONFIGMAPS', value: 'true' },
    { name: 'KUBERNETES_SCOPE_LABEL', value: 'cluster-name' },
    { name: 'KUBERNETES_ROLE_LABEL', value: 'spilo-role' },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  ],
  backupParts: ({ warehouse, backup, image }) => (backup ? spiloBackupParts(warehouse, backup, image) : {}),
  readinessProbe: {
    httpGet: { path: '/readiness', port: 'patroni' },
    periodSeconds: 10,
    failureThreshold: 3,
  },
  livenessProbe: { httpGet: { path: '/liveness', port: 'patroni' }, periodSeconds: 20, failureThreshold: 6 },
};

const ENGINES: Readonly<Record<Warehouse['engine'], WarehouseEngine>> = {
  clickhouse: CLICKHOUSE,
  postgresql: POSTGRESQL,
};

/** The engine a warehouse runs on. */
export const engineOf = (w: Pick<Warehouse, 'engine'>): WarehouseEngine => ENGINES[w.engine];
