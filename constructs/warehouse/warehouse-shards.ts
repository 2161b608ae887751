/**
 * The shards of a warehouse, or a group of them: per shard a StatefulSet of its replicas (each
 * on its own rack), a headless Service and a budget of one replica at a time. WarehouseCluster
 * holds the first group; a warehouse with more shards than one stack may hold puts the others
 * in stacks of their own, each a WarehouseShards (model/stack-bounds.ts cuts them).
 */
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { Construct } from 'constructs';
import { acrossRacks, guaranteed } from '../pod-placement.ts';
import type { WarehouseEngine, WarehouseImages } from './engine.ts';
import { headlessService, type WarehouseScope } from './warehouse-scope.ts';

export interface WarehouseShardsProps {
  readonly scope: WarehouseScope;
  readonly engine: WarehouseEngine;
  readonly images: WarehouseImages;
  /** The shards' names, `<warehouse>-s01` on (shardName). */
  readonly shards: readonly string[];
  /** The service account the pods run as (Patroni's), if any. */
  readonly serviceAccountName?: string;
  /** The Keeper quorum's hosts, for an engine that uses one. */
  readonly keeperHosts: readonly string[];
}

/** The name of shard `n` (1-based) of a warehouse of `shards` shards. */
export function shardName(warehouse: string, shards: number, n: number): string {
  const digits = Math.max(2, String(shards).length);
  return `${warehouse}-s${String(n).padStart(digits, '0')}`;
}

export class WarehouseShards extends Construct {
  constructor(scope: Construct, id: string, props: WarehouseShardsProps) {
    super(scope, id);
    const ws = props.scope;
    const w = ws.warehouse;
    const engine = props.engine;
    const prefix = ws.labelPrefix;
    const base = ws.base;
    const hosts = props.keeperHosts;
    const serviceAccountName = props.serviceAccountName;
    for (const shard of props.shards) {
      const selector = { ...base, [`${prefix}/shard`]: shard };
      const pod = { warehouse: w, shard, selector, keeperHosts: hosts };
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
                  image: engine.image(props.images),
                  port: engine.ports.map((p) => ({ name: p.name, containerPort: p.port })),
                  resources: guaranteed(w.perReplica.cpuCores, w.perReplica.memoryGiB),
                  volumeMount: [{ name: 'data', mountPath: engine.dataPath }],
                  env: engine.env(pod),
                  readinessProbe: engine.readinessProbe,
                  livenessProbe: engine.livenessProbe,
                },
              ],
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
  }
}
