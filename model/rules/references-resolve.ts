/** Every reference names an object that exists, of the right kind. */
import { phaseInService } from '../phases.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function referencesResolve(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const ids = <T extends { id: string | number }>(items: readonly T[]) =>
    new Set(items.map((i) => String(i.id)));
  const models = ids(model.serverModels);
  const pools = ids(model.pools);
  const points = new Map(model.network.points.map((p) => [p.id, p]));
  const agencies = ids(model.agencies);
  const externals = ids(model.externalSystems);
  const warehouses = ids(model.warehouses);
  const storageClasses = ids(model.storageClasses);
  const phases = ids(model.phases);
  const tiers = ids(model.serviceTiers);
  const list = (s: Set<string>) => {
    const all = [...s];
    return all.length > 8 ? `${all.slice(0, 8).join(', ')}, …` : all.join(', ');
  };
  const check = (
    ok: boolean,
    path: string,
    field: string,
    value: string,
    kind: string,
    known: Set<string>,
    kinds = `${kind}s`,
  ) => {
    if (!ok)
      v.push({
        path,
        field,
        message: `${field} "${value}" is not a known ${kind}`,
        expected:
          known.size > 0 ? `one of the ${kinds}: ${list(known)}` : `a ${kind} declared in the inventory`,
      });
  };

  // servers are reported once per range: every server of a range shares its model and pool
  const seenRange = new Set<string>();
  for (const s of model.servers) {
    const range = `${s.rack}\u0000${s.model}\u0000${s.pool}`;
    if (seenRange.has(range)) continue;
    seenRange.add(range);
    check(models.has(s.model), s.path, 'model', s.model, 'server model', models);
    check(pools.has(s.pool), s.path, 'pool', s.pool, 'pool', pools);
    check(phases.has(s.phase), s.path, 'phase', s.phase, 'phase', phases);
  }
  for (const p of model.pools) check(phases.has(p.phase), p.path, 'phase', p.phase, 'phase', phases);
  for (const t of model.tenants) check(phases.has(t.phase), t.path, 'phase', t.phase, 'phase', phases);
  const site = model.datacentre.site;
  if (site !== null)
    check(points.has(site), 'datacentre', 'site', site, 'connection point', new Set(points.keys()));
  for (const w of model.warehouses) {
    check(pools.has(w.pool), w.path, 'pool', w.pool, 'pool', pools);
    check(
      storageClasses.has(w.storageClass),
      w.path,
      'storageClass',
      w.storageClass,
      'storage class',
      storageClasses,
      'storage classes',
    );
    for (const e of w.connectsTo)
      check(externals.has(e), w.path, 'connectsTo', e, 'external system', externals);
  }
  // links that come from one declaration (a default, a wardBackupVia) share its path: one finding each
  const dangling = new Map<string, { path: string; to: string; from: string[] }>();
  for (const l of model.network.links) {
    if (points.has(l.to)) continue;
    const key = `${l.path}\u0000${l.to}`;
    const group = dangling.get(key) ?? { path: l.path, to: l.to, from: [] };
    group.from.push(l.from);
    dangling.set(key, group);
  }
  for (const g of dangling.values()) {
    const from =
      g.from.length > 3
        ? `${g.from.slice(0, 3).join(', ')} and ${g.from.length - 3} more`
        : g.from.join(', ');
    v.push({
      path: g.path,
      field: 'to',
      message: `uplink${g.from.length > 1 ? 's' : ''} from ${from} go${g.from.length > 1 ? '' : 'es'} to "${g.to}", which is not a connection point`,
      expected: 'the id of a core site, district hub, ward, agency or unit',
    });
  }
  for (const b of model.serviceCatalogue) {
    check(agencies.has(b.agency), b.path, 'agency', b.agency, 'agency', agencies, 'agencies');
    check(tiers.has(String(b.tier)), b.path, 'tier', String(b.tier), 'service tier', tiers);
  }
  for (const s of model.publicServices) {
    if (!s.path.includes('.named[')) continue; // numbered services share their block's agency and tier
    check(tiers.has(String(s.tier)), s.path, 'tier', String(s.tier), 'service tier', tiers);
  }
  const reachable = new Set([...warehouses, ...externals]);
  for (const t of model.tenants) {
    check(agencies.has(t.agency), t.path, 'agency', t.agency, 'agency', agencies, 'agencies');
    for (const r of t.requests)
      check(pools.has(r.pool), `${t.path}.requests[${r.pool}]`, 'pool', r.pool, 'pool', pools);
    for (const r of t.reaches)
      check(
        reachable.has(r),
        t.path,
        'reaches',
        r,
        'warehouse or external system',
        reachable,
        'warehouses and external systems',
      );
  }
  if (model.portalTenant !== null) {
    const portal = model.tenants.find((t) => t.id === model.portalTenant);
    check(
      portal !== undefined,
      'publicServices',
      'portalTenant',
      model.portalTenant,
      'tenant',
      new Set(model.tenants.map((t) => t.id)),
      'tenants',
    );
    if (portal && portal.app === null)
      v.push({
        path: 'publicServices',
        field: 'portalTenant',
        message: `portal tenant ${portal.id} declares no app`,
        expected: `an app block (image, pod) on tenant ${portal.id}, which the portal runs`,
      });
  }
  const pointIds = new Set(points.keys());
  const blockIds = new Set([
    'core',
    ...model.network.points.filter((p) => p.level === 'district' || p.level === 'agency').map((p) => p.id),
  ]);
  for (const pin of model.network.addressPins.blocks)
    if (!blockIds.has(pin.id))
      v.push({
        path: pin.path,
        message: `pin for block "${pin.id}", which is no district, department or core`,
        expected: 'the id of a district or department, or core (or remove the stale pin)',
      });
  for (const pin of model.network.addressPins.sites)
    if (!pointIds.has(pin.id))
      v.push({
        path: pin.path,
        message: `pin for site "${pin.id}", which is not a connection point`,
        expected: 'the id of a connection point (or remove the stale pin)',
      });
  const servers = new Set(model.servers.map((s) => s.name));
  const listed = new Set<string>();
  for (const o of model.outOfService) {
    if (!servers.has(o.server))
      v.push({
        path: o.path,
        field: 'server',
        message: `server "${o.server}" is out of service, but no rack holds it`,
        expected: 'the full name of a server of the data centre, e.g. dc1-h1-r03-k07-u12',
      });
    else if (listed.has(o.server))
      v.push({
        path: o.path,
        field: 'server',
        message: `server "${o.server}" is listed out of service twice`,
        expected: 'each server at most once in outOfService',
      });
    listed.add(o.server);
  }
  // a pool may be short while a server is replaced (a warning, validate.ts), but never empty: a
  // list putting every server of a pool out of service is a mistake, or hides one
  for (const pool of model.pools) {
    const existing = model.servers.filter((s) => s.pool === pool.id && phaseInService(model, s.phase));
    if (existing.length > 0 && existing.every((s) => listed.has(s.name)))
      v.push({
        path: pool.path,
        message: `every one of pool ${pool.id}'s ${existing.length} servers in service is listed out of service: nothing of it would run`,
        expected:
          'at least one server of the pool in service (take the others out as their replacements come)',
      });
  }
  return resultOf(true, v);
}
