/** 1 while a warehouse replica serves its shard, 0 when it does not; labels warehouse, shard, replica. */
export const WAREHOUSE_REPLICA_UP = 'citycloud_warehouse_replica_up';
