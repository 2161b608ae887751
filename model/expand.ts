/** Expands a schema-valid inventory into the frozen, individually named city model. */
import { deepFreeze } from './deep-freeze.ts';
import { expandDatacentre } from './expand-datacentre.ts';
import { expandNetwork } from './expand-network.ts';
import { expandServices } from './expand-services.ts';
import type { Inventory } from './schema.ts';
import type { InventorySources } from './source.ts';
import type { CityModel } from './types.ts';

export function expandCity(inv: Inventory, sources: InventorySources): CityModel {
  const dc = expandDatacentre(inv, sources);
  const network = expandNetwork(inv, sources);
  const { catalogue, services } = expandServices(inv, sources);
  const register = <T>(section: string, key: (item: T) => string, items: readonly T[]) =>
    items.map((item, i) => {
      const path = `${section}[${key(item)}]`;
      sources.register(path, [section, i]);
      return path;
    });

  const warehousePaths = register('warehouses', (w) => w.id, inv.warehouses);
  const externalPaths = register('externalSystems', (e) => e.id, inv.externalSystems);
  const agencyPaths = inv.agencies.map((a) => `agencies[${a.id}]`);
  const tenantPaths = register('tenants', (t) => t.id, inv.tenants);
  const tierPaths = inv.publicServices.tiers.map((t, i) => {
    const path = `publicServices.tiers[${t.id}]`;
    sources.register(path, ['publicServices', 'tiers', i]);
    return path;
  });
  sources.register('publicServices', ['publicServices']);
  inv.tenants.forEach((t, ti) => {
    t.requests.forEach((r, ri) => {
      sources.register(`tenants[${t.id}].requests[${r.pool}]`, ['tenants', ti, 'requests', ri]);
    });
  });

  const model: CityModel = {
    apiVersion: inv.apiVersion,
    city: { name: inv.city.name, nameEn: inv.city.nameEn ?? null, code: inv.city.code },
    serverModels: dc.serverModels,
    pools: dc.pools,
    datacentre: dc.datacentre,
    racks: dc.racks,
    servers: dc.servers,
    warehouses: inv.warehouses.map((w, i) => ({
      ...w,
      perReplica: { ...w.perReplica },
      connectsTo: [...w.connectsTo],
      path: warehousePaths[i] as string,
    })),
    externalSystems: inv.externalSystems.map((e, i) => ({
      ...e,
      ports: [...e.ports],
      path: externalPaths[i] as string,
    })),
    network,
    agencies: inv.agencies.map((a, i) => ({
      id: a.id,
      name: a.name,
      nameEn: a.nameEn ?? null,
      path: agencyPaths[i] as string,
    })),
    serviceTiers: inv.publicServices.tiers.map((t, i) => ({ ...t, path: tierPaths[i] as string })),
    serviceTotals: { ...inv.publicServices.totals },
    serviceCatalogue: catalogue,
    publicServices: services,
    portalTenant: inv.publicServices.portalTenant ?? null,
    tenants: inv.tenants.map((t, i) => ({
      id: t.id,
      name: t.name,
      agency: t.agency,
      requests: t.requests.map((r) => ({ ...r })),
      reaches: [...t.reaches],
      app: t.app ? { ...t.app, pod: { ...t.app.pod } } : null,
      path: tenantPaths[i] as string,
    })),
    terraformState: { ...inv.terraformState },
    offsite: { ...inv.offsite, path: 'offsite' },
    monitoring: { ...inv.monitoring },
  };
  return deepFreeze(model);
}
