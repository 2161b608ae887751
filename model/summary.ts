/** The inventory counts that the manifest records and the command line prints. */
import type { CityModel } from './types.ts';

export interface InventoryCounts {
  readonly servers: number;
  /** Servers per phase of the build-out, in the order the phases are declared. */
  readonly serversByPhase: Readonly<Record<string, number>>;
  readonly racks: number;
  readonly pools: number;
  readonly connectionPoints: number;
  readonly warehouses: number;
  readonly publicServices: { readonly total: number; readonly full: number; readonly partial: number };
  readonly tenants: number;
}

export function countInventory(model: CityModel): InventoryCounts {
  const full = model.publicServices.filter((s) => s.mode === 'full').length;
  const byPhase = new Map(model.phases.map((p) => [p.id, 0]));
  for (const s of model.servers) byPhase.set(s.phase, (byPhase.get(s.phase) ?? 0) + 1);
  return {
    servers: model.servers.length,
    serversByPhase: Object.fromEntries(byPhase),
    racks: model.racks.length,
    pools: model.pools.length,
    connectionPoints: model.network.points.length,
    warehouses: model.warehouses.length,
    publicServices: { total: model.publicServices.length, full, partial: model.publicServices.length - full },
    tenants: model.tenants.length,
  };
}
