/**
 * Where a warehouse's pods may go — one definition for the rule that checks it (CC006) and the
 * construct that places them (WarehouseCluster): every replica of a shard on its own rack, at
 * least two replicas, and for ClickHouse a Keeper quorum whose members also take a rack each.
 */
import type { Warehouse } from './types.ts';

/** Replicas of a shard, at least: one can be drained or lost while the other serves. */
export const MIN_WAREHOUSE_REPLICAS = 2;

/** Members of a ClickHouse Keeper quorum (odd: a majority survives one loss). */
export const KEEPER_QUORUM = 3;

/** Racks the warehouse's pool must span: one per replica, and one per keeper for ClickHouse. */
export function racksNeeded(
  w: Pick<Warehouse, 'engine' | 'replicas'>,
  keeperReplicas = KEEPER_QUORUM,
): number {
  return w.engine === 'clickhouse' ? Math.max(w.replicas, keeperReplicas) : w.replicas;
}
