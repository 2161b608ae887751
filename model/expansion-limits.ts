/**
 * What a schema-valid inventory would expand to, counted before anything is expanded: a compact
 * inventory multiplies (a district's units by every district, a rack's ranges into servers), so a
 * few bytes could ask for millions of objects. Each total is bounded well above a national-size city.
 */
import type { Finding } from './finding.ts';
import type { Inventory } from './schema.ts';
import type { InventorySources } from './source.ts';

/** The largest city citycloud expands: about 50 times Ho Chi Minh City, over Viet Nam's 10,000 communes. */
export const EXPANSION_LIMITS = { servers: 500_000, points: 500_000, services: 500_000 } as const;

const WHY =
  'A compact inventory expands into individual objects; past these totals the model would not fit in memory.';

const n = (x: number) => x.toLocaleString('en-US');

/** Findings for every total over its limit, each at the section that makes it; none for a city that fits. */
export function checkExpansionLimits(inv: Inventory, sources: InventorySources): Finding[] {
  let servers = 0;
  for (const hall of inv.datacentre.halls)
    for (const row of hall.rows)
      for (const rack of row.racks) for (const r of rack.servers) servers += r.count;
  const perDistrict =
    1 + inv.network.districtUnits.length + inv.agencies.reduce((s, a) => s + a.unitsPerDistrict.length, 0);
  let points = inv.network.core.length + inv.agencies.reduce((s, a) => s + 1 + a.units.length, 0);
  for (const d of inv.network.districts) points += perDistrict + d.wards.length + d.units.length;
  const services = inv.publicServices.catalogue.reduce((s, c) => s + c.full + c.partial, 0);

  const findings: Finding[] = [];
  const over = (what: keyof typeof EXPANSION_LIMITS, total: number, section: string, unit: string) => {
    if (total <= EXPANSION_LIMITS[what]) return;
    findings.push({
      rule: 'CC000',
      ruleName: 'schema',
      level: 'error',
      path: section,
      message: `expands to ${n(total)} ${unit}`,
      expected: `at most ${n(EXPANSION_LIMITS[what])} ${unit}`,
      location: sources.locate([], section),
      why: WHY,
    });
  };
  over('servers', servers, 'datacentre', 'servers');
  over('points', points, 'network', 'connection points');
  over('services', services, 'publicServices', 'public services');
  return findings;
}
