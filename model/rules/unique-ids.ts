/** Ids are unique within their kind (and names where people pick objects by name). */
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

interface Keyed {
  readonly path: string;
}

function duplicates<T extends Keyed>(
  items: readonly T[],
  key: (item: T) => string,
  what: string,
  field: string,
  out: Violation[],
): void {
  const first = new Map<string, string>();
  for (const item of items) {
    const k = key(item);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, item.path);
    else
      out.push({
        path: item.path,
        field,
        message: `${field} "${k.split('\u0000').at(-1)}" is already used by ${seen}`,
        expected: `a unique ${field} among ${what}`,
      });
  }
}

export function uniqueIds(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const byId = <T extends Keyed & { id: string | number }>(items: readonly T[], what: string) =>
    duplicates(items, (i) => String(i.id), what, 'id', v);
  const byName = <T extends Keyed & { name: string }>(items: readonly T[], what: string) =>
    duplicates(items, (i) => i.name, what, 'name', v);

  byId(model.serverModels, 'server models');
  byId(model.pools, 'pools');
  byName(model.pools, 'pools');
  byId(
    model.datacentre.halls.map((h) => ({ id: h.id, path: h.path })),
    'halls',
  );
  // rows are unique within their hall and racks within their row; the path says which
  duplicates(
    model.datacentre.halls.flatMap((h) =>
      h.rows.map((r) => ({ id: r.id, hall: h.id, path: `${h.path}.rows[${r.id}]` })),
    ),
    (r) => `${r.hall}\u0000${r.id}`,
    'the rows of a hall',
    'id',
    v,
  );
  duplicates(model.racks, (r) => `${r.hall}\u0000${r.row}\u0000${r.id}`, 'the racks of a row', 'id', v);
  byId(model.warehouses, 'warehouses');
  byName(model.warehouses, 'warehouses');
  byId(model.externalSystems, 'external systems');
  byId(model.network.points, 'connection points');
  // ward names repeat across districts (Phường 1 is in many) but not within one
  duplicates(
    model.network.points.filter((p) => p.level === 'ward'),
    (p) => `${p.district}\u0000${p.name}`,
    'the wards of a district',
    'name',
    v,
  );
  byId(model.agencies, 'agencies');
  byName(model.agencies, 'agencies');
  byId(model.serviceTiers, 'service tiers');
  duplicates(model.serviceCatalogue, (b) => b.agency, 'catalogue blocks (one per agency)', 'agency', v);
  byId(model.publicServices, 'public services');
  byId(model.tenants, 'tenants');
  return resultOf(true, v);
}
