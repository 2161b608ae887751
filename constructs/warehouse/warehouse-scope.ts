/**
 * What every part of a warehouse shares: its namespace, its labels, where its pods run and at
 * which priority — made once by WarehouseCluster and handed to each sub-construct.
 */
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1/index.js';
import type { Construct } from 'constructs';
import { type Pool, type Warehouse, warehouseNamespace } from '../../model/index.ts';
import { onPool } from '../pod-placement.ts';
import type { Port } from './engine.ts';

export interface ObjectMetadata {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

export interface WarehouseScope {
  readonly warehouse: Warehouse;
  readonly namespace: string;
  readonly labelPrefix: string;
  /** Labels every object of the warehouse carries. */
  readonly base: Readonly<Record<string, string>>;
  /** Metadata of an object of the warehouse: its name, the namespace, the base labels and these. */
  metadata(name: string, labels?: Record<string, string>): ObjectMetadata;
  /** Node selection and tolerations for the warehouse's pool. */
  readonly scheduling: ReturnType<typeof onPool>;
  readonly priorityClassName: string;
}

/** The scope of a warehouse in its pool: namespace `warehouse-<id>`, citycloud's labels, the pool's nodes. */
export function warehouseScope(
  warehouse: Warehouse,
  pool: Pool,
  labelPrefix: string,
  priorityClassName?: string,
): WarehouseScope {
  const namespace = warehouseNamespace(warehouse.id);
  const base = {
    'app.kubernetes.io/part-of': namespace,
    [`${labelPrefix}/warehouse`]: warehouse.id,
  };
  return {
    warehouse,
    namespace,
    labelPrefix,
    base,
    metadata: (name, labels = {}) => ({ name, namespace, labels: { ...base, ...labels } }),
    scheduling: onPool(labelPrefix, pool),
    priorityClassName: priorityClassName ?? `citycloud-${pool.criticality}`,
  };
}

/** A headless Service: stable DNS names for a StatefulSet's pods, ready or not. */
export function headlessService(
  scope: Construct,
  name: string,
  metadata: ObjectMetadata,
  selector: Readonly<Record<string, string>>,
  ports: readonly Port[],
): void {
  new ServiceV1(scope, `service-${name}`, {
    metadata,
    spec: {
      clusterIp: 'None',
      publishNotReadyAddresses: true,
      selector: { ...selector },
      port: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name })),
    },
  }).overrideLogicalId(name);
}
