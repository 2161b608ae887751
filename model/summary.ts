/** The inventory counts that the manifest records and the command line prints. */
import type { CityModel } from './types.ts';

export interface InventoryCounts {
  readonly servers: number;
  readonly racks: number;
  readonly pools: number;
  readonly connectionPoints: number;
  readonly warehouses: number;
  readonly publicServices: { readonly total: number; readonly full: number; readonly partial: number };
  readonly tenants: number;
}

export function countInventory(model: CityModel): InventoryCounts {
  const full = model.publicServices.filter((s) => s.mode === 'full').length;
  return {
    servers: model.servers.length,
    racks: model.racks.length,
    pools: model.pools.length,
    connectionPoints: model.network.points.length,
    warehouses: model.warehouses.length,
    publicServices: { total: model.publicServices.length, full, partial: model.publicServices.length - full },
    tenants: model.tenants.length,
  };
}
