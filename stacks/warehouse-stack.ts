/** One stack per warehouse: each of the 8 warehouses plans, deploys and fails on its own. */
import type { CityModel, Warehouse } from '../model/index.ts';
import { modelsOfPool } from '../model/pool-servers.ts';
import { loadOnce } from './load-once.ts';
import type { StackPlan } from './stack-plan.ts';

const warehouseCluster = loadOnce(() => import('../constructs/warehouse-cluster.ts'));

export function warehousePlan(
  model: CityModel,
  warehouse: Warehouse,
  name = `warehouse-${warehouse.id}`,
): StackPlan {
  const pool = model.pools.find((p) => p.id === warehouse.pool);
  if (!pool)
    throw new Error(
      `${name}: warehouse ${warehouse.id} runs on pool ${warehouse.pool}, which does not exist`,
    );
  const servers = model.servers.filter((s) => s.pool === warehouse.pool);
  // personal data backs up to the city's own second site (CC022 checks it may)
  const backupTarget =
    warehouse.backupTo === 'second-site' && model.secondSite
      ? { site: model.secondSite, bucket: `citycloud-backup-${warehouse.id}` }
      : undefined;
  // what the construct reads of the servers: the racks they are in and the models they are
  const slice = {
    warehouse,
    pool,
    racks: [...new Set(servers.map((s) => s.rack))].sort(),
    serverModels: modelsOfPool(warehouse.pool, servers, model.serverModels),
    externalSystems: model.externalSystems.filter((e) => warehouse.connectsTo.includes(e.id)),
    readers: model.tenants.filter((t) => t.reaches.includes(warehouse.id)).map((t) => t.id),
    backupTarget,
  };
  return {
    name,
    state: model.terraformState,
    parts: [
      {
        id: warehouse.id,
        slice,
        load: async () => {
          const { WarehouseCluster } = await warehouseCluster();
          return (s) =>
            new WarehouseCluster(s, warehouse.id, {
              warehouse,
              pool,
              servers,
              serverModels: model.serverModels,
              externalSystems: model.externalSystems,
              tenants: model.tenants,
              ...(backupTarget ? { backupTarget } : {}),
            });
        },
      },
    ],
  };
}
