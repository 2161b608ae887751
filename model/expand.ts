/** Expands a schema-valid inventory into the frozen, individually named city model. */
import { AWS_REGION_COUNTRY } from './aws-regions.ts';
import type { CompanionFiles } from './companion-files.ts';
import { deepFreeze } from './deep-freeze.ts';
import { expandDatacentre } from './expand-datacentre.ts';
import { expandNetwork } from './expand-network.ts';
import { expandServices } from './expand-services.ts';
import type { Inventory } from './schema.ts';
import type { InventorySources } from './source.ts';
import type { BackupPromise, CityModel, DataClassification } from './types.ts';

export function expandCity(
  inv: Inventory,
  sources: InventorySources,
  companions: Pick<CompanionFiles, 'reviewers' | 'providerLock'> = { reviewers: [], providerLock: null },
): CityModel {
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
  const outPaths = register('outOfService', (o) => o.server, inv.outOfService);
  for (const [i, w] of inv.warehouses.entries())
    if (w.backup) sources.register(`${warehousePaths[i]}.backup`, ['warehouses', i, 'backup']);
  for (const c of Object.keys(inv.backups)) sources.register(`backups.${c}`, ['backups', c]);
  const storageClassPaths = register('storageClasses', (c) => c.id, inv.storageClasses);
  const phasePaths = register('phases', (p) => p.id, inv.phases);
  const externalPaths = register('externalSystems', (e) => e.id, inv.externalSystems);
  const agencyPaths = inv.agencies.map((a) => `agencies[${a.id}]`);
  const tenantPaths = register('tenants', (t) => t.id, inv.tenants);
  const tierPaths = inv.publicServices.tiers.map((t, i) => {
    const path = `publicServices.tiers[${t.id}]`;
    sources.register(path, ['publicServices', 'tiers', i]);
    return path;
  });
  sources.register('publicServices', ['publicServices']);
  sources.register('residency', ['residency']);
  sources.register('stacks', ['stacks']);
  sources.register('secondSite', ['secondSite']);
  sources.register('offsite', ['offsite']);
  sources.register('runbooks', ['runbooks']);
  sources.register('deploy', ['deploy']);
  sources.register('runbooks.upgrade.window', ['runbooks', 'upgrade', 'window']);
  inv.tenants.forEach((t, ti) => {
    t.requests.forEach((r, ri) => {
      sources.register(`tenants[${t.id}].requests[${r.pool}]`, ['tenants', ti, 'requests', ri]);
    });
  });

  const model: CityModel = {
    apiVersion: inv.apiVersion,
    city: { name: inv.city.name, nameEn: inv.city.nameEn ?? null, code: inv.city.code },
    phases: inv.phases.map((p, i) => ({ ...p, path: phasePaths[i] as string })),
    serverModels: dc.serverModels,
    pools: dc.pools,
    datacentre: dc.datacentre,
    racks: dc.racks,
    servers: dc.servers,
    warehouses: inv.warehouses.map((w, i) => ({
      ...w,
      perReplica: { ...w.perReplica },
      connectsTo: [...w.connectsTo],
      storageGrowthPercentPerMonth:
        w.storageGrowthPercentPerMonth ?? dc.pools.find((p) => p.id === w.pool)?.growthPercentPerMonth ?? 0,
      backup: backupPromiseOf(w, inv.backups[w.classification], warehousePaths[i] as string),
      path: warehousePaths[i] as string,
    })),
    externalSystems: inv.externalSystems.map((e, i) => ({
      ...e,
      ports: [...e.ports],
      jurisdiction: e.jurisdiction ?? inv.residency.country,
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
      phase: t.phase ?? (inv.phases[0] as { id: string }).id,
      requests: t.requests.map((r) => ({ ...r })),
      reaches: [...t.reaches],
      onboarded: t.onboarded ?? null,
      app: t.app ? { ...t.app, pod: { ...t.app.pod } } : null,
      path: tenantPaths[i] as string,
    })),
    terraformState: { ...inv.terraformState },
    stacks: { ...inv.stacks, path: 'stacks' },
    storageClasses: inv.storageClasses.map((c, i) => ({ ...c, path: storageClassPaths[i] as string })),
    offsite: {
      ...inv.offsite,
      jurisdiction: inv.offsite.jurisdiction ?? AWS_REGION_COUNTRY[inv.offsite.region] ?? null,
      path: 'offsite',
    },
    residency: { ...inv.residency, personalDataIn: [...inv.residency.personalDataIn], path: 'residency' },
    secondSite: inv.secondSite
      ? { ...inv.secondSite, capacityTiB: inv.secondSite.capacityTiB ?? null, path: 'secondSite' }
      : null,
    outOfService: inv.outOfService.map((o, i) => ({ ...o, path: outPaths[i] as string })),
    runbooks: {
      fourEyes: inv.runbooks.fourEyes,
      upgradeWindow: inv.runbooks.upgrade.window
        ? {
            ...inv.runbooks.upgrade.window,
            days: [...inv.runbooks.upgrade.window.days],
            path: 'runbooks.upgrade.window',
          }
        : null,
      path: 'runbooks',
    },
    deploy: {
      requireReview: inv.deploy.requireReview,
      allowedSigners: inv.deploy.allowedSigners ?? null,
      reviewers: companions.reviewers.map((r) => ({ ...r })),
      providerLock: companions.providerLock?.map((p) => ({ ...p, hashes: [...p.hashes] })) ?? null,
      path: 'deploy',
    },
    monitoring: { ...inv.monitoring, disabledAlerts: [...inv.monitoring.disabledAlerts] },
  };
  return deepFreeze(model);
}

/**
 * What each classification's backups promise unless the inventory says otherwise. The restore
 * drill runs monthly on the 2nd at 03:00: the 1st before 07:00 in the city is the previous
 * month's last day in UTC, which the drill's CronJob could not say (CC025).
 */
export const BACKUP_DEFAULTS: Readonly<Record<DataClassification, Omit<BackupPromise, 'path'>>> = {
  // citizens' records: a day's full backup, five minutes of transactions at most, a week back
  personal: {
    schedule: '0 1 * * *',
    fullBackupsKept: 8,
    pointInTimeDays: 7,
    rpoMinutes: 5,
    rtoMinutes: 240,
    drill: '0 3 2 * *',
  },
  internal: {
    schedule: '0 1 * * *',
    fullBackupsKept: 8,
    pointInTimeDays: 7,
    rpoMinutes: 15,
    rtoMinutes: 480,
    drill: '0 3 2 * *',
  },
  // open data can be published again: a weekly full backup, four weeks back
  open: {
    schedule: '0 1 * * 0',
    fullBackupsKept: 5,
    pointInTimeDays: 28,
    rpoMinutes: 60,
    rtoMinutes: 1440,
    drill: '0 3 2 * *',
  },
};

/** A warehouse's promise: its own fields, else its classification's, else the defaults. */
function backupPromiseOf(
  w: Inventory['warehouses'][number],
  byClass: Inventory['backups'][DataClassification],
  warehousePath: string,
): BackupPromise {
  const d = BACKUP_DEFAULTS[w.classification];
  const pick = <K extends keyof typeof d>(k: K): (typeof d)[K] => {
    const own = w.backup?.[k as keyof NonNullable<typeof w.backup>];
    const cls = byClass?.[k as keyof NonNullable<typeof byClass>];
    const v = own !== undefined ? own : cls !== undefined ? cls : d[k];
    return (k === 'drill' && v === false ? null : v) as (typeof d)[K];
  };
  return {
    schedule: pick('schedule'),
    fullBackupsKept: pick('fullBackupsKept'),
    pointInTimeDays: pick('pointInTimeDays'),
    rpoMinutes: pick('rpoMinutes'),
    rtoMinutes: pick('rtoMinutes'),
    drill: pick('drill'),
    path: w.backup ? `${warehousePath}.backup` : byClass ? `backups.${w.classification}` : warehousePath,
  };
}
