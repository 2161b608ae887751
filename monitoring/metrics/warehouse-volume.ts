/**
 * The bytes used on, and the size of, each warehouse replica's data volume (citycloud's warehouse
 * exporter, as kubelet's volume stats give them per claim); labels warehouse, shard, replica.
 */
import { Gauge, type Registry } from 'prom-client';

export const WAREHOUSE_VOLUME_USED = 'citycloud_warehouse_volume_used_bytes';
export const WAREHOUSE_VOLUME_CAPACITY = 'citycloud_warehouse_volume_capacity_bytes';

export function createWarehouseVolumes(
  registry: Registry,
  source: {
    warehouse: string;
    shards: number;
    replicas: number;
    capacityBytes: number;
    usedBytes: (shard: number, replica: number) => number;
  },
) {
  const labelNames = ['warehouse', 'shard', 'replica'];
  const each = (set: (labels: Record<string, string>, shard: number, replica: number) => void) => {
    for (let s = 1; s <= source.shards; s++)
      for (let r = 1; r <= source.replicas; r++)
        set({ warehouse: source.warehouse, shard: String(s), replica: String(r) }, s, r);
  };
  new Gauge({
    name: WAREHOUSE_VOLUME_USED,
    help: 'Bytes used on the replica’s data volume.',
    labelNames,
    registers: [registry],
    collect() {
      each((labels, s, r) => this.set(labels, Math.round(source.usedBytes(s, r))));
    },
  });
  new Gauge({
    name: WAREHOUSE_VOLUME_CAPACITY,
    help: 'Size of the replica’s data volume in bytes.',
    labelNames,
    registers: [registry],
    collect() {
      each((labels) => this.set(labels, source.capacityBytes));
    },
  });
}
