/**
 * NetBox bulk-import CSVs (regions, sites, prefixes, VLANs, IP addresses), in the order they load:
 * each file refers only to objects of the files before it. Columns are NetBox's import field
 * names of NetBox 4.5.5 and later (DCIM → Sites → Import, IPAM → Prefixes → Import, …): related
 * objects by slug, a site's prefix scoped to its site by `scope_type`/`scope_name` (4.5.5+).
 */
import { type CityModel, formatPrefix, planAddresses } from '../model/index.ts';
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

/** The NetBox release these files are written for: the first whose prefix import takes `scope_name`. */
export const NETBOX_MIN_VERSION = '4.5.5';

export function netboxCsvs(model: CityModel): Artifact[] {
  const t = networkTable(model);
  const plan = planAddresses(model);
  const city = model.city.nameEn ?? model.city.name;
  // Every name and slug NetBox looks an object up by carries the city's code: NetBox resolves a
  // prefix's scope by the site's name (`scope_name`, ScopedImportForm in dcim/forms/mixins.py of
  // 4.5.5) and related objects by slug, and names and slugs are unique in a NetBox — so a site or
  // region someone else made under a point's bare id (`w26734`, `core-a`) cannot receive our
  // prefixes, VLANs or sites, and an import that meets one of ours already there fails whole.
  const own = (text: string) => `${model.city.code}-${text}`;
  const citySlug = slug(own(city));
  const districts = model.network.points.filter((p) => p.level === 'district');
  const districtSlug = new Map(districts.map((p) => [p.id, slug(own(`${p.id}-${p.name}`))]));
  const siteName = (id: string) => own(id);
  const siteSlug = (id: string) => slug(own(id));
  const regionSlugOf = (p: { id: string; level: string; district: string | null }) => {
    const district = p.level === 'district' ? p.id : p.district;
    return (district && districtSlug.get(district)) || citySlug;
  };
  const lengthOf = (prefix: string) => prefix.split('/')[1] as string;
  return [
    csv(
      '1-regions.csv',
      ['name', 'slug', 'parent.slug', 'description'],
      [
        [city, citySlug, null, `${model.city.name} (${model.city.code})`],
        ...districts.map((d) => [d.name, districtSlug.get(d.id) as string, citySlug, `district ${d.id}`]),
      ],
    ),
    csv(
      '2-sites.csv',
      ['name', 'slug', 'status', 'region.slug', 'description', 'comments'],
      t.sites.map((s) => [
        siteName(s.point.id),
        siteSlug(s.point.id),
        'active',
        regionSlugOf(s.point),
        s.point.name,
        `${s.point.level}${s.point.code ? ` ${s.point.code}` : ''}; ${s.point.path}`,
      ]),
    ),
    csv(
      '3-vlans.csv',
      ['site.slug', 'vid', 'name', 'status', 'description'],
      t.sites.flatMap((s) =>
        s.vlan === null ? [] : [[siteSlug(s.point.id), s.vlan, `${s.point.id}-lan`, 'active', s.point.name]],
      ),
    ),
    csv(
      '4-prefixes.csv',
      // a site's prefix is scoped to the site by its (city-qualified) name, and given its VLAN by
      // the site's slug and the VLAN's id; the pools are containers, so every loopback
      // and /31 has a parent
      ['prefix', 'status', 'is_pool', 'scope_type', 'scope_name', 'vlan_site.slug', 'vlan', 'description'],
      [
        [
          formatPrefix(plan.supernet),
          'container',
          'false',
          null,
          null,
          null,
          null,
          'site subnets (supernet)',
        ],
        [formatPrefix(plan.loopbackPool), 'container', 'false', null, null, null, null, 'loopbacks'],
        [formatPrefix(plan.linkPool), 'container', 'false', null, null, null, null, 'uplink /31s'],
        ...t.blocks.flatMap((b) =>
          b.prefix
            ? [[b.prefix, 'container', 'false', null, null, null, null, `block ${b.id}: ${b.name}`]]
            : [],
        ),
        ...t.sites.flatMap((s) =>
          s.prefix
            ? [
                [
                  s.prefix,
                  'active',
                  'false',
                  'dcim.site',
                  siteName(s.point.id),
                  s.vlan === null ? null : siteSlug(s.point.id),
                  s.vlan,
                  `${s.point.id} LAN`,
                ],
              ]
            : [],
        ),
        ...t.links.flatMap((l) =>
          l.prefix ? [[l.prefix, 'active', 'true', null, null, null, null, `uplink ${l.link.id}`]] : [],
        ),
      ],
    ),
    csv(
      '5-ip-addresses.csv',
      ['address', 'status', 'role', 'dns_name', 'description'],
      [
        ...t.sites.flatMap((s) =>
          s.gateway && s.prefix
            ? [[`${s.gateway}/${lengthOf(s.prefix)}`, 'active', null, null, `gateway of ${s.point.id}`]]
            : [],
        ),
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
