/** Test helpers for constructs. */
import { Testing } from 'cdktf';
import { WarehouseCluster, type WarehouseClusterProps } from '../../constructs/warehouse-cluster.ts';
import type { CityModel, Pool, Warehouse } from '../../model/index.ts';
import type { RawCity } from './city.ts';

/** The message of what `build` throws, or 'no error'. */
export function thrownBy(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

/** The resources of a WarehouseCluster made for warehouse `id` of `model` (its pool, servers, …), by type and name. */
export function synthWarehouse(
  model: CityModel,
  id: string,
  extra: Partial<WarehouseClusterProps> = {},
): Record<string, Record<string, RawCity>> {
  const warehouse = extra.warehouse ?? (model.warehouses.find((w) => w.id === id) as Warehouse);
  const props: WarehouseClusterProps = {
    warehouse,
    pool: model.pools.find((p) => p.id === warehouse.pool) as Pool,
    servers: model.servers.filter((s) => s.pool === warehouse.pool),
    serverModels: model.serverModels,
    externalSystems: model.externalSystems,
    tenants: model.tenants,
    ...extra,
  };
  return JSON.parse(Testing.synthScope((scope) => new WarehouseCluster(scope, id, props))).resource ?? {};
}

/** The variables of a key, secret, password or token anywhere in `json` given a value, not a reference. */
export function secretsWithValues(json: unknown): string[] {
  const named: string[] = [];
  JSON.stringify(json, (k, v) => {
    if (k === 'env')
      for (const e of v as { name: string; value?: string }[])
        if (/(KEY|SECRET|PASSWORD|TOKEN)(_ID)?$/.test(e.name) && e.value !== undefined) named.push(e.name);
    return v;
  });
  return named;
}
