/** The ClickHouse Keeper quorum of a warehouse: one member per rack, a budget that never breaks the majority. */
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { Construct } from 'constructs';
import { acrossRacks, guaranteed } from '../pod-placement.ts';
import type { Port } from './engine.ts';
import { headlessService, type WarehouseScope } from './warehouse-scope.ts';

export interface KeeperQuorumProps {
  /** The warehouse it coordinates. */
  readonly scope: WarehouseScope;
  /** Members of the quorum (odd, at least 3: WarehouseCluster checks). */
  readonly replicas: number;
  /** The ClickHouse Keeper image. */
  readonly image: string;
}

const KEEPER_PORTS: readonly Port[] = [
  { name: 'client', port: 9181 },
  { name: 'raft', port: 9234 },
];
const KEEPER_RESOURCES = { cpuCores: 2, memoryGiB: 8, storageGiB: 50 };

export class KeeperQuorum extends Construct {
  /** The members' DNS names, as the shards' ClickHouse servers reach them. */
  readonly hosts: readonly string[];

  constructor(scope: Construct, id: string, props: KeeperQuorumProps) {
    super(scope, id);
    const s = props.scope;
    const name = `${s.warehouse.id}-keeper`;
    this.hosts = keeperHosts(s.warehouse.id, props.replicas);
    const selector = { ...s.base, 'app.kubernetes.io/name': 'clickhouse-keeper' };
    headlessService(this, name, s.metadata(name), selector, KEEPER_PORTS);
    new StatefulSetV1(this, 'keeper', {
      metadata: s.metadata(name),
      spec: {
        serviceName: name,
        replicas: String(props.replicas),
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            ...s.scheduling,
            ...acrossRacks(s.labelPrefix, selector, true),
            priorityClassName: s.priorityClassName,
            container: [
              {
                name: 'keeper',
                image: props.image,
                port: KEEPER_PORTS.map((p) => ({ name: p.name, containerPort: p.port })),
                resources: guaranteed(KEEPER_RESOURCES.cpuCores, KEEPER_RESOURCES.memoryGiB),
                volumeMount: [{ name: 'data', mountPath: '/var/lib/clickhouse-keeper' }],
                readinessProbe: { tcpSocket: [{ port: 'client' }], periodSeconds: 10 },
              },
            ],
          },
        },
        volumeClaimTemplate: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: `${KEEPER_RESOURCES.storageGiB}Gi` } },
            },
          },
        ],
      },
      waitForRollout: false,
    }).overrideLogicalId(name);
    new PodDisruptionBudgetV1(this, 'keeper-pdb', {
      metadata: s.metadata(name),
      spec: {
        minAvailable: String(Math.floor(props.replicas / 2) + 1),
        selector: { matchLabels: selector },
      },
    }).overrideLogicalId(name);
  }
}

/** The quorum members' DNS names through the quorum's headless Service. */
export const keeperHosts = (warehouse: string, replicas: number): string[] =>
  Array.from({ length: replicas }, (_, i) => `${warehouse}-keeper-${i}.${warehouse}-keeper`);
