/** 1 while a warehouse replica serves its shard, 0 when it does not; labels warehouse, shard, replica. */
import { Gauge, type Registry } from 'prom-client';

export const WAREHOUSE_REPLICA_UP = 'citycloud_warehouse_replica_up';

export function createWarehouseReplicaUp(
  registry: Registry,
  source: {
    warehouse: string;
    shards: number;
    replicas: number;
    isUp: (shard: number, replica: number) => boolean;
  },
) {
  return new Gauge({
    name: WAREHOUSE_REPLICA_UP,
    help: 'Whether the replica serves its shard (1) or not (0).',
    labelNames: ['warehouse', 'shard', 'replica'],
    registers: [registry],
    collect() {
      for (let s = 1; s <= source.shards; s++)
        for (let r = 1; r <= source.replicas; r++)
          this.set(
            { warehouse: source.warehouse, shard: String(s), replica: String(r) },
            source.isUp(s, r) ? 1 : 0,
          );
    },
  });
}
