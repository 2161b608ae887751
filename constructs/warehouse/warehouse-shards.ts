/**
 * The shards of a warehouse, or a group of them: per shard a StatefulSet of its replicas (each
 * on its own rack), a headless Service and a budget of one replica at a time. WarehouseCluster
 * holds the first group; a warehouse with more shards than one stack may hold puts the others
 * in stacks of their own, each a WarehouseShards (model/stack-bounds.ts cuts them).
 */
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { Construct } from 'constructs';
import { KEEPER_QUORUM, type Warehouse } from '../../model/index.ts';
import { acrossRacks, guaranteed } from '../pod-placement.ts';
import { mergeParts } from './backup-pod.ts';
import type { BackupTarget } from './backup-target.ts';
import { ClickHouseBackups } from './clickhouse-backup.ts';
import { DEFAULT_WAREHOUSE_IMAGES, engineOf, type WarehouseImages } from './engine.ts';
import { keeperHosts } from './keeper-quorum.ts';
import { patroniAccountName } from './patroni-access.ts';
import { walgExporterParts } from './walg-exporter.ts';
import { headlessService, type WarehouseScope } from './warehouse-scope.ts';

export interface WarehouseShardsProps {
  /** The warehouse the shards belong to, in its pool. */
  readonly scope: WarehouseScope;
  /** The shards (1-based, inclusive) to make. */
  readonly group: { readonly from: number; readonly to: number };
  /**
   * The images (the engine's is used).
   * @default DEFAULT_WAREHOUSE_IMAGES
   */
  readonly images?: WarehouseImages;
  /**
   * Members of the warehouse's Keeper quorum, which a ClickHouse shard's servers are told of.
   * @default KEEPER_QUORUM (3)
   */
  readonly keeperReplicas?: number;
  /**
   * Where the shards send their backups (PostgreSQL: WAL-G through Spilo, spilo-backup.ts;
   * ClickHouse: BACKUP by CronJob, clickhouse-backup.ts).
   * @default - none
   */
  readonly backup?: BackupTarget;
}

/**
 * The names of a warehouse's shards `from` to `to` (1-based): `<warehouse>-s01` … `-s99`, then
 * `-s100` on. A name is its shard's number alone, never padded to the shard count: growing from
 * 99 shards to 100 adds one and renames none (a renamed StatefulSet is replaced, its volumes lost).
 */
export function shardNames(w: Pick<Warehouse, 'id'>, group: { from: number; to: number }): string[] {
  return Array.from(
    { length: group.to - group.from + 1 },
    (_, i) => `${w.id}-s${String(group.from + i).padStart(2, '0')}`,
  );
}

export class WarehouseShards extends Construct {
  constructor(scope: Construct, id: string, props: WarehouseShardsProps) {
    super(scope, id);
    const ws = props.scope;
    const w = ws.warehouse;
    const engine = engineOf(w);
    const prefix = ws.labelPrefix;
    const base = ws.base;
    const hosts = engine.needsKeeper ? keeperHosts(w.id, props.keeperReplicas ?? KEEPER_QUORUM) : [];
    // Patroni's account is made once per warehouse, by WarehouseCluster (PatroniAccess)
    const serviceAccountName = engine.leaderLockInKubernetes ? patroniAccountName(w.id) : undefined;
    for (const shard of shardNames(w, props.group)) {
      const selector = { ...base, [`${prefix}/shard`]: shard };
      const pod = {
        warehouse: w,
        shard,
        selector,
        keeperHosts: hosts,
        image: engine.image(props.images ?? DEFAULT_WAREHOUSE_IMAGES),
        ...(props.backup ? { backup: props.backup } : {}),
      };
      const parts = mergeParts(engine.backupParts(pod), walgExporterParts(pod, engine.dataPath));
      headlessService(
        this,
        shard,
        ws.metadata(shard, { [`${prefix}/shard`]: shard }),
        selector,
        engine.ports,
      );
      new StatefulSetV1(this, `shard-${shard}`, {
        metadata: ws.metadata(shard, { [`${prefix}/shard`]: shard }),
        spec: {
          serviceName: shard,
          replicas: String(w.replicas),
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: selector },
          updateStrategy: [{ type: 'RollingUpdate' }],
          template: {
            metadata: { labels: engine.podLabels(pod) },
            spec: {
              ...ws.scheduling,
              ...acrossRacks(prefix, selector, true),
              priorityClassName: ws.priorityClassName,
              ...(serviceAccountName ? { serviceAccountName } : {}),
              terminationGracePeriodSeconds: 120,
              container: [
                {
                  name: engine.name,
                  image: pod.image,
                  port: engine.ports.map((p) => ({ name: p.name, containerPort: p.port })),
                  resources: guaranteed(w.perReplica.cpuCores, w.perReplica.memoryGiB),
                  volumeMount: [{ name: 'data', mountPath: engine.dataPath }, ...parts.volumeMounts],
                  env: [...engine.env(pod), ...parts.env],
                  readinessProbe: engine.readinessProbe,
                  livenessProbe: engine.livenessProbe,
                },
                ...parts.sidecars,
              ],
              ...(parts.initContainers.length > 0 ? { initContainer: [...parts.initContainers] } : {}),
              ...(parts.volumes.length > 0 ? { volume: [...parts.volumes] } : {}),
            },
          },
          volumeClaimTemplate: [
            {
              metadata: { name: 'data' },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: w.storageClass,
                resources: { requests: { storage: `${w.storagePerReplicaTiB}Ti` } },
              },
            },
          ],
          persistentVolumeClaimRetentionPolicy: [{ whenDeleted: 'Retain', whenScaled: 'Retain' }],
        },
        waitForRollout: false,
      }).overrideLogicalId(shard);
      // a drain takes at most one replica of a shard: the others keep serving and replicating
      new PodDisruptionBudgetV1(this, `pdb-${shard}`, {
        metadata: ws.metadata(shard),
        spec: { maxUnavailable: '1', selector: { matchLabels: selector } },
      }).overrideLogicalId(shard);
    }
    if (props.backup && engine.name === 'clickhouse')
      new ClickHouseBackups(this, 'backups', {
        scope: ws,
        shards: shardNames(w, props.group),
        target: props.backup,
        image: engine.image(props.images ?? DEFAULT_WAREHOUSE_IMAGES),
      });
  }
}
