/**
 * The container images the warehouses run, pinned (a city may override them in its stacks): one
 * definition for the stacks (constructs/warehouse/engine.ts) and the restore drill, whose Spilo
 * clone runs the image the shards run.
 */

/** Container images, pinned; override per city. */
export interface WarehouseImages {
  readonly clickhouse: string;
  readonly keeper: string;
  readonly postgresql: string;
  readonly connector: string;
}

/** The images WarehouseCluster and WarehouseShards run unless told otherwise. */
export const DEFAULT_WAREHOUSE_IMAGES: WarehouseImages = {
  clickhouse: 'clickhouse/clickhouse-server:24.8.14.39',
  keeper: 'clickhouse/clickhouse-keeper:24.8.14.39',
  postgresql: 'ghcr.io/zalando/spilo-16:3.3-p3',
  connector: 'registry.hcmc.gov.vn/platform/warehouse-connector:2.3.0',
};
