/**
 * The names the stacks give the city's Kubernetes objects, and which the monitoring reads back:
 * the namespaces of tenants and warehouses, the prefix of citycloud's labels, and those labels as
 * kube-state-metrics exposes them (`kube_namespace_labels`, `kube_node_labels`: each key of its
 * `--metric-labels-allowlist` as `label_` and the key with every character that is not a letter,
 * a digit or `_` made `_`).
 */
import type { Criticality, Tenant } from './types.ts';

/** The prefix of citycloud's labels on namespaces, Nodes and pods. */
export const KUBERNETES_LABEL_PREFIX = 'citycloud.hcmc.gov.vn';

export const tenantNamespace = (tenant: string) => `tenant-${tenant}`;
export const warehouseNamespace = (warehouse: string) => `warehouse-${warehouse}`;

/**
 * A warehouse shard's name, `<warehouse>-s01` … `-s99`, then `-s100` on: its StatefulSet's, its
 * Patroni scope's (constructs/warehouse/warehouse-shards.ts names them so).
 */
/** A warehouse's restore drill: its CronJob and ServiceAccount, `<warehouse>-restore-drill`. */
export const restoreDrillName = (warehouse: string) => `${warehouse}-restore-drill`;

export const warehouseShardName = (warehouse: string, n: number) =>
  `${warehouse}-s${String(n).padStart(2, '0')}`;

/** A label key as kube-state-metrics writes it in a metric's labels. */
export const ksmLabel = (key: string) => `label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** citycloud's label `<prefix>/<name>`. */
export const cityLabel = (name: string, prefix = KUBERNETES_LABEL_PREFIX) => `${prefix}/${name}`;

const RANK: Readonly<Record<Criticality, number>> = { critical: 3, high: 2, normal: 1 };

/** A tenant's criticality: its most critical pool's (what it runs on decides how it is paged). */
export function tenantCriticality(tenant: Tenant, criticalityOf: (pool: string) => Criticality): Criticality {
  let most: Criticality = 'normal';
  for (const r of tenant.requests) {
    const c = criticalityOf(r.pool);
    if (RANK[c] > RANK[most]) most = c;
  }
  return most;
}

/** Where kube-state-metrics runs, its name (Deployment, Service, account) and its metrics port. */
export const KSM_NAMESPACE = 'platform';
export const KSM_NAME = 'kube-state-metrics';
export const KSM_PORT = 8080;

/** The namespace labels the alerts join on (kube_namespace_labels), by their name after the prefix. */
export const NAMESPACE_LABELS = ['agency', 'criticality', 'tenant', 'warehouse'] as const;
/** The Node labels the alerts join on (kube_node_labels). */
export const NODE_LABELS = ['criticality', 'pool'] as const;
