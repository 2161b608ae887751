/**
 * How the Terraform stacks are cut so that none exceeds the inventory's bound
 * (`stacks.maxResources`) — known here, before anything is rendered, so that the rule (CC023)
 * and the stacks agree. Each cut is stable: adding a row adds a stack, adding shards fills the last
 * group of a warehouse or starts a new one; no resource ever moves to another stack.
 */
import type { CityModel, Server, Warehouse } from './types.ts';

/** Resources of one shard: its StatefulSet, headless Service and disruption budget. */
export const RESOURCES_PER_SHARD = 3;

/**
 * Resources of one shard of a warehouse, at most: a ClickHouse shard has its two backup CronJobs
 * besides (constructs/warehouse/clickhouse-backup.ts); PostgreSQL's backups run in its pods.
 */
export const resourcesPerShard = (w: Pick<Warehouse, 'engine'>) =>
  RESOURCES_PER_SHARD + (w.engine === 'clickhouse' ? 2 : 0);

/**
 * Resources of a warehouse besides its shards, at most: namespace, keeper (set, service, budget)
 * or Patroni access (account, role, binding), connector, 9 policies (deny, DNS, internal, the API
 * server, readers, connector, backup target, WAL-G metrics, the drill's way out), the restore
 * drill (CronJob, account, role and binding, cluster role and binding, admission policy and its
 * binding).
 */
export const WAREHOUSE_BASE_RESOURCES = 22;

/** The Node resources of a row's servers: a label set each, and a taint each in a dedicated pool. */
export function rowResources(model: CityModel, servers: readonly Server[]): number {
  const dedicated = new Set(model.pools.filter((p) => p.dedicated).map((p) => p.id));
  return servers.reduce((n, s) => n + 1 + (dedicated.has(s.pool) ? 1 : 0), 0);
}

/** The servers of each row that has any, by `<hall>-<row>`, in the inventory's order. */
export function serversByRow(model: CityModel): Map<string, Server[]> {
  const rows = new Map<string, Server[]>();
  for (const s of model.servers) {
    const key = `${s.hall}-${s.row}`;
    const list = rows.get(key);
    if (list) list.push(s);
    else rows.set(key, [s]);
  }
  return rows;
}

/** Shards per stack of a warehouse: the first stack also holds the warehouse's other resources. */
export function shardsPerStack(model: CityModel, w: Pick<Warehouse, 'engine'>): number {
  return Math.floor((model.stacks.maxResources - WAREHOUSE_BASE_RESOURCES) / resourcesPerShard(w));
}

/** A warehouse's shard numbers (1-based) cut into the groups of its stacks. */
export function shardGroups(
  model: CityModel,
  w: Pick<Warehouse, 'shards' | 'engine'>,
): { from: number; to: number }[] {
  const per = shardsPerStack(model, w);
  const groups: { from: number; to: number }[] = [];
  for (let from = 1; from <= w.shards; from += per)
    groups.push({ from, to: Math.min(w.shards, from + per - 1) });
  return groups;
}
