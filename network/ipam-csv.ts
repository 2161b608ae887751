/** out/network/ipam.csv: the whole address plan, one allocation a line (blocks, sites, loopbacks, uplinks). */
import type { CityModel } from '../model/index.ts';
import { toCsv } from '../view/csv.ts';
import type { Artifact } from '../view/view.ts';
import { networkTable } from './network-table.ts';

export const IPAM_COLUMNS = ['kind', 'owner', 'name', 'prefix', 'block', 'vlan', 'gateway'] as const;

export function ipamCsv(model: CityModel): Artifact {
  const t = networkTable(model);
  const rows: (string | number | null)[][] = [];
  for (const b of t.blocks) rows.push(['block', b.id, b.name, b.prefix, null, null, null]);
  for (const s of t.sites) {
    rows.push(['site', s.point.id, s.point.name, s.prefix, s.block, s.vlan, s.gateway]);
    rows.push(['loopback', s.point.id, s.point.name, s.loopback, s.block, null, null]);
  }
  for (const l of t.links)
    rows.push([
      'uplink',
      l.link.id,
      `${l.link.from} → ${l.link.to} (${l.link.role})`,
      l.prefix,
      null,
      null,
      null,
    ]);
  return { path: 'network/ipam.csv', content: toCsv(IPAM_COLUMNS, rows) };
}
