/**
 * The NetBox CSVs, loaded as NetBox's bulk import would load them: each file's headers against its
 * import form's fields (`field.attr` only for a related object, by an attribute its model has),
 * required columns, choice values, and every lookup resolving to exactly one object an earlier
 * file (or an earlier row) created. The forms are written down from NetBox's source as of the
 * version below: `dcim/forms/bulk_import.py`, `ipam/forms/bulk_import.py`, `dcim/forms/mixins.py`.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity, parsePrefix } from '../../model/index.ts';
import { NETBOX_MIN_VERSION, netboxCsvs } from '../../network/netbox-csv.ts';
import { BUILTIN_CITY } from '../helpers/city.ts';

const READ_FROM = 'v4.5.5';

interface Related {
  /** The model the field points at. */
  readonly model: 'region' | 'site' | 'vlan' | 'tenant' | 'vrf' | 'role' | 'group';
  /** Attributes that model has, which a `field.attr` header may name. */
  readonly attributes: readonly string[];
}
interface ImportForm {
  readonly model: 'region' | 'site' | 'vlan' | 'prefix' | 'ipaddress';
  readonly fields: readonly string[];
  readonly required: readonly string[];
  readonly related: Readonly<Record<string, Related>>;
  readonly choices: Readonly<Record<string, readonly string[]>>;
}
const NAMED = ['name', 'slug', 'id'];
const FORMS: Record<string, ImportForm> = {
  '1-regions.csv': {
    model: 'region',
    fields: ['name', 'slug', 'parent', 'description', 'owner', 'comments', 'tags'],
    required: ['name', 'slug'],
    related: { parent: { model: 'region', attributes: NAMED } },
    choices: {},
  },
  '2-sites.csv': {
    model: 'site',
    fields: [
      'name',
      'slug',
      'status',
      'region',
      'group',
      'tenant',
      'facility',
      'time_zone',
      'description',
      'physical_address',
      'shipping_address',
      'latitude',
      'longitude',
      'owner',
      'comments',
      'tags',
    ],
    required: ['name', 'slug', 'status'],
    related: { region: { model: 'region', attributes: NAMED } },
    choices: { status: ['planned', 'staging', 'active', 'decommissioning', 'retired'] },
  },
  '3-vlans.csv': {
    model: 'vlan',
    fields: [
      'site',
      'group',
      'vid',
      'name',
      'tenant',
      'status',
      'role',
      'description',
      'qinq_role',
      'qinq_svlan',
      'owner',
      'comments',
      'tags',
    ],
    required: ['vid', 'name', 'status'],
    related: { site: { model: 'site', attributes: NAMED } },
    choices: { status: ['active', 'reserved', 'deprecated'] },
  },
  '4-prefixes.csv': {
    model: 'prefix',
    fields: [
      'prefix',
      'vrf',
      'tenant',
      'vlan_group',
      'vlan_site',
      'vlan',
      'status',
      'role',
      'scope_type',
      'scope_name',
      'scope_id',
      'is_pool',
      'mark_utilized',
      'description',
      'owner',
      'comments',
      'tags',
    ],
    required: ['prefix', 'status'],
    related: {
      vlan_site: { model: 'site', attributes: NAMED },
      vlan: { model: 'vlan', attributes: ['vid', 'name', 'id'] },
    },
    choices: {
      status: ['container', 'active', 'reserved', 'deprecated'],
      scope_type: ['dcim.region', 'dcim.sitegroup', 'dcim.site', 'dcim.location'],
      is_pool: ['true', 'false'],
    },
  },
  '5-ip-addresses.csv': {
    model: 'ipaddress',
    fields: [
      'address',
      'vrf',
      'tenant',
      'status',
      'role',
      'device',
      'virtual_machine',
      'interface',
      'fhrp_group',
      'is_primary',
      'is_oob',
      'dns_name',
      'description',
      'owner',
      'comments',
      'tags',
    ],
    required: ['address', 'status'],
    related: {},
    choices: {
      status: ['active', 'reserved', 'deprecated', 'dhcp', 'slaac'],
      role: ['loopback', 'secondary', 'anycast', 'vip', 'vrrp', 'hsrp', 'glbp', 'carp'],
    },
  },
};

type Row = Record<string, string>;
const model = loadCity(BUILTIN_CITY).model as CityModel;
const files = new Map(
  netboxCsvs(model).map((a) => [
    a.path.split('/').at(-1) as string,
    parse(String(a.content), { columns: true }) as Row[],
  ]),
);
const rowsOf = (name: string) => files.get(name) ?? [];

describe(`the NetBox CSVs, as NetBox ${READ_FROM} imports them`, () => {
  it(`say which NetBox they are for (${NETBOX_MIN_VERSION} and later)`, () => {
    expect(NETBOX_MIN_VERSION).toBe(READ_FROM.slice(1));
  });

  it.each(Object.entries(FORMS))(
    '%s: headers of its import form, required columns, choice values',
    (name, form) => {
      const rows = rowsOf(name);
      expect(rows.length).toBeGreaterThan(0);
      const headers = Object.keys(rows[0] as Row);
      for (const header of headers) {
        const [field, attribute] = header.split('.') as [string, string | undefined];
        expect(form.fields, `${name}: column ${header}`).toContain(field);
        if (attribute) expect(form.related[field]?.attributes, `${name}: ${header}`).toContain(attribute);
      }
      for (const f of form.required) expect(headers, `${name} requires ${f}`).toContain(f);
      for (const row of rows)
        for (const [field, allowed] of Object.entries(form.choices))
          if (row[field]) expect(allowed, `${name}: ${field} ${row[field]}`).toContain(row[field]);
    },
  );

  /**
   * A NetBox that already holds objects under the bare names and slugs of the city's points and
   * region (made by someone else, by hand or by another tool): names and slugs are unique there.
   */
  const EXISTING = {
    regions: [{ name: 'Ho Chi Minh City', slug: 'ho-chi-minh-city', origin: 'existing' }],
    sites: ['core-a', 'w26734', 'd760'].map((id) => ({ name: id, slug: id, origin: 'existing' })),
  };

  it('resolves every lookup to exactly one object its own files created, in a NetBox that already has others', () => {
    const ours = <T extends Row>(rows: T[]) => rows.map((r) => ({ ...r, origin: 'ours' }));
    // no row of ours takes a unique name or slug already taken (NetBox would refuse the import)
    const taken = (existing: { name: string; slug: string }[], rows: Row[], what: string) => {
      for (const r of rows)
        expect(
          existing.filter((x) => x.slug === r.slug || (what === 'site' && x.name === r.name)),
          `${what} ${r.name}`,
        ).toEqual([]);
    };
    // load in order, keeping what each file created beside what was there
    const regions: (Row & { origin: string })[] = [...EXISTING.regions];
    taken(EXISTING.regions, rowsOf('1-regions.csv'), 'region');
    for (const r of ours(rowsOf('1-regions.csv'))) {
      if (r['parent.slug']) {
        const parent = regions.filter((x) => x.slug === r['parent.slug']);
        expect(
          parent.map((x) => x.origin),
          r.name,
        ).toEqual(['ours']);
      }
      regions.push(r);
    }
    taken(EXISTING.sites, rowsOf('2-sites.csv'), 'site');
    const sites = [...EXISTING.sites, ...ours(rowsOf('2-sites.csv'))];
    for (const s of sites.filter((x) => x.origin === 'ours'))
      expect(
        regions.filter((r) => r.slug === (s as Row)['region.slug']).map((r) => r.origin),
        s.name,
      ).toEqual(['ours']);
    const vlans = rowsOf('3-vlans.csv');
    for (const v of vlans)
      expect(
        sites.filter((s) => s.slug === v['site.slug']).map((s) => s.origin),
        v.name,
      ).toEqual(['ours']);
    for (const p of rowsOf('4-prefixes.csv')) {
      if (p.scope_name) {
        expect(p.scope_type).toBe('dcim.site');
        // ScopedImportForm.clean: model.objects.get(name=scope_name)
        expect(
          sites.filter((s) => s.name === p.scope_name).map((s) => s.origin),
          p.prefix,
        ).toEqual(['ours']);
      }
      if (p.vlan)
        expect(
          vlans.filter((v) => v['site.slug'] === p['vlan_site.slug'] && v.vid === p.vlan),
          p.prefix,
        ).toHaveLength(1);
    }
  });

  it('names every site and slug with the city’s code and the point’s id', () => {
    const sites = rowsOf('2-sites.csv');
    expect(sites).toHaveLength(820);
    expect(new Set(sites.map((s) => s.name)).size).toBe(820);
    for (const s of sites) {
      expect(s.name, s.name).toMatch(new RegExp(`^${model.city.code}-[a-z0-9-]+$`));
      expect(s.slug).toBe(s.name);
    }
    expect(sites.map((s) => s.name)).toContain(`${model.city.code}-w26734`);
  });

  it('gives every site’s prefix its site, and nests every address and prefix in a container', () => {
    const prefixes = rowsOf('4-prefixes.csv');
    const siteRows = prefixes.filter((p) => p.description?.endsWith(' LAN'));
    expect(siteRows).toHaveLength(820);
    expect(siteRows.every((p) => p.scope_type === 'dcim.site' && p.scope_name)).toBe(true);
    const containers = prefixes
      .filter((p) => p.status === 'container')
      .map((p) => parsePrefix(p.prefix as string));
    const inContainer = (cidr: string) => {
      const r = parsePrefix(cidr);
      return containers.some(
        (c) => c.start <= r.start && r.start + r.size <= c.start + c.size && c.length < r.length,
      );
    };
    for (const p of prefixes.filter((x) => x.status !== 'container'))
      expect(inContainer(p.prefix as string), p.prefix).toBe(true);
    const addresses = rowsOf('5-ip-addresses.csv');
    for (const a of addresses) {
      const [ip] = (a.address as string).split('/');
      expect(inContainer(`${ip}/32`), a.address).toBe(true);
    }
    // 820 loopbacks, the two ends of every uplink, and every site's gateway
    expect(addresses.filter((a) => a.role === 'loopback')).toHaveLength(820);
    expect(addresses.filter((a) => a.description?.startsWith('gateway of '))).toHaveLength(820);
    expect(addresses.filter((a) => / end of /.test(a.description ?? ''))).toHaveLength(
      2 * model.network.links.length,
    );
  });
});
