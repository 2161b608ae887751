/** One stack per warehouse: each of the 8 warehouses plans, deploys and fails on its own. */
import type { Construct } from 'constructs';
import { WarehouseCluster } from '../constructs/warehouse-cluster.ts';
import type { CityModel, Warehouse } from '../model/index.ts';
import { CityStack } from './city-stack.ts';

export class WarehouseStack extends CityStack {
  constructor(scope: Construct, id: string, model: CityModel, warehouse: Warehouse) {
    super(scope, id, model.terraformState);
    const pool = model.pools.find((p) => p.id === warehouse.pool);
    if (!pool)
      throw new Error(
        `${id}: warehouse ${warehouse.id} runs on pool ${warehouse.pool}, which does not exist`,
      );
    new WarehouseCluster(this, warehouse.id, {
      warehouse,
      pool,
      servers: model.servers.filter((s) => s.pool === warehouse.pool),
      serverModels: model.serverModels,
      externalSystems: model.externalSystems,
      tenants: model.tenants,
    });
  }
}
