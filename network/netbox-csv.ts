/**
 * NetBox bulk-import CSVs (regions, sites, prefixes, VLANs, IP addresses), in the order they load:
 * each file refers only to objects of the files before it. Columns are NetBox's import field
 * names as of NetBox 4.2+ (DCIM → Sites → Import, IPAM → Prefixes → Import, …).
 */
import type { CityModel } from '../model/index.ts';
import { toCsv } from '../view/csv.ts';
import type { Artifact } from '../view/view.ts';
import { networkTable } from './network-table.ts';

/** NetBox slugs: lower-case ASCII letters, digits, dashes and underscores. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const csv = (path: string, columns: string[], rows: (string | number | null)[][]): Artifact => ({
  path: `network/netbox/${path}`,
  content: toCsv(columns, rows),
});

export function netboxCsvs(model: CityModel): Artifact[] {
  const t = networkTable(model);
  const city = model.city.nameEn ?? model.city.name;
  const districtName = new Map(
    model.network.points.filter((p) => p.level === 'district').map((p) => [p.id, p.name]),
  );
  // NetBox site names are unique; ours are per district, so the site name is the point id
  const siteName = (id: string) => id;
  const regionOf = (p: { id: string; level: string; district: string | null }) => {
    const district = p.level === 'district' ? p.id : p.district;
    return district ? (districtName.get(district) ?? city) : city;
  };
  return [
    csv(
      '1-regions.csv',
      ['name', 'slug', 'parent', 'description'],
      [
        [city, slug(city), null, `${model.city.name} (${model.city.code})`],
        ...[...districtName].map(([id, name]) => [name, slug(`${id}-${name}`), city, `district ${id}`]),
      ],
    ),
    csv(
      '2-sites.csv',
      ['name', 'slug', 'status', 'region', 'description', 'comments'],
      t.sites.map((s) => [
        siteName(s.point.id),
        slug(s.point.id),
        'active',
        regionOf(s.point),
        s.point.name,
        `${s.point.level}${s.point.code ? ` ${s.point.code}` : ''}; ${s.point.path}`,
      ]),
    ),
    csv(
      '3-vlans.csv',
      ['site', 'vid', 'name', 'status', 'description'],
      t.sites.flatMap((s) =>
        s.vlan === null ? [] : [[siteName(s.point.id), s.vlan, `${s.point.id}-lan`, 'active', s.point.name]],
      ),
    ),
    csv(
      '4-prefixes.csv',
      // a prefix is tied to its site through its VLAN (vlan_site + vlan by vid): NetBox's scope
      // columns take numeric ids, which are not known before the import
      ['prefix', 'status', 'is_pool', 'vlan_site', 'vlan', 'description'],
      [
        ...t.blocks.flatMap((b) =>
          b.prefix ? [[b.prefix, 'container', 'false', null, null, `block ${b.id}: ${b.name}`]] : [],
        ),
        ...t.sites.flatMap((s) =>
          s.prefix ? [[s.prefix, 'active', 'false', siteName(s.point.id), s.vlan, `${s.point.id} LAN`]] : [],
        ),
        ...t.links.flatMap((l) =>
          l.prefix ? [[l.prefix, 'active', 'true', null, null, `uplink ${l.link.id}`]] : [],
        ),
      ],
    ),
    csv(
      '5-ip-addresses.csv',
      ['address', 'status', 'role', 'dns_name', 'description'],
      [
        ...t.sites.flatMap((s) =>
          s.loopback
            ? [[s.loopback, 'active', 'loopback', `${s.point.id}.net.city`, `loopback of ${s.point.id}`]]
            : [],
        ),
        ...t.links.flatMap((l) =>
          l.fromAddress
            ? [
                [`${l.fromAddress}/31`, 'active', null, null, `${l.link.from} end of ${l.link.id}`],
                [`${l.toAddress}/31`, 'active', null, null, `${l.link.to} end of ${l.link.id}`],
              ]
            : [],
        ),
      ],
    ),
  ];
}
