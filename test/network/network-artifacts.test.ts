import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadCity } from '../../model/index.ts';
import { addressPinsYaml } from '../../network/address-pins-yaml.ts';
import { blackboxTargets } from '../../network/blackbox-targets.ts';
import { ipamCsv } from '../../network/ipam-csv.ts';
import { netboxCsvs, slug } from '../../network/netbox-csv.ts';
import { topologyJson } from '../../network/topology-json.ts';
import { BUILTIN_CITY } from '../helpers/city.ts';

const { model } = loadCity(BUILTIN_CITY);
if (!model) throw new Error('the built-in city does not load');
const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
const rows = (c: string | Uint8Array): Record<string, string>[] => parse(text(c), { columns: true });

describe('ipam.csv', () => {
  const table = rows(ipamCsv(model).content);

  it('has a block per district and department, and a subnet and loopback per site', () => {
    expect(table.filter((r) => r.kind === 'block')).toHaveLength(1 + 22 + 27);
    expect(table.filter((r) => r.kind === 'site')).toHaveLength(820);
    expect(table.filter((r) => r.kind === 'loopback')).toHaveLength(820);
    expect(table.filter((r) => r.kind === 'uplink')).toHaveLength(model.network.links.length);
  });

  it('gives Phường Tân Định a /26 in the Quận 1 block, with its VLAN and gateway', () => {
    expect(table.find((r) => r.kind === 'site' && r.owner === 'w26734')).toEqual({
      kind: 'site',
      owner: 'w26734',
      name: 'Phường Tân Định',
      prefix: '10.32.17.0/26',
      block: 'd760',
      vlan: '108',
      gateway: '10.32.17.1',
    });
    expect(table.find((r) => r.kind === 'block' && r.owner === 'd760')?.prefix).toBe('10.32.16.0/20');
  });

  it("sizes Thủ Đức's block for its 34 wards", () => {
    const block = table.find((r) => r.kind === 'block' && r.owner === 'd769');
    const sites = table.filter((r) => r.kind === 'site' && r.block === 'd769');
    expect(sites.filter((s) => s.owner?.startsWith('w'))).toHaveLength(34);
    expect(block?.prefix).toMatch(/\/(19|20)$/);
  });
});

describe('NetBox CSVs', () => {
  const files = new Map(netboxCsvs(model).map((a) => [a.path.split('/').at(-1), rows(a.content)]));
  const get = (name: string) => files.get(name) ?? [];

  it('uses NetBox import column names, related objects by slug', () => {
    expect(Object.keys(get('2-sites.csv')[0] ?? {})).toEqual([
      'name',
      'slug',
      'status',
      'region.slug',
      'description',
      'comments',
    ]);
    expect(Object.keys(get('4-prefixes.csv')[0] ?? {})).toEqual([
      'prefix',
      'status',
      'is_pool',
      'scope_type',
      'scope_name',
      'vlan_site.slug',
      'vlan',
      'description',
    ]);
    expect(Object.keys(get('5-ip-addresses.csv')[0] ?? {})).toEqual([
      'address',
      'status',
      'role',
      'dns_name',
      'description',
    ]);
  });

  it('puts every ward in its district region, and the hub too', () => {
    // names and slugs carry the city's code (79): a NetBox's own w26734 cannot capture them
    const site = (name: string) => get('2-sites.csv').find((r) => r.name === name);
    expect(site('79-w26734')?.['region.slug']).toBe('79-d760-quan-1');
    expect(site('79-d760')?.['region.slug']).toBe('79-d760-quan-1');
    expect(site('79-core-a')?.['region.slug']).toBe('79-ho-chi-minh-city');
    const ward = get('4-prefixes.csv').find((p) => p.scope_name === '79-w26734');
    expect(ward).toMatchObject({
      prefix: '10.32.17.0/26',
      scope_type: 'dcim.site',
      'vlan_site.slug': '79-w26734',
    });
  });

  it('makes slugs of Vietnamese names', () => {
    expect(slug('d769-Thành phố Thủ Đức')).toBe('d769-thanh-pho-thu-duc');
  });
});

describe('topology.json and blackbox targets', () => {
  it('lists every point with its addresses, and every link with its /31', () => {
    const topo = JSON.parse(text(topologyJson(model).content));
    expect(topo.nodes).toHaveLength(820);
    expect(topo.links).toHaveLength(model.network.links.length);
    expect(topo.nodes.find((n: { id: string }) => n.id === 'w26734')).toMatchObject({
      level: 'ward',
      parent: 'd760',
      prefix: '10.32.17.0/26',
      loopback: '10.16.0.136/32',
    });
    expect(topo.links.every((l: { prefix: string }) => /\/31$/.test(l.prefix))).toBe(true);
  });

  it('probes every point over IPv4 ICMP with labels that name it', () => {
    const groups = JSON.parse(text(blackboxTargets(model).content));
    expect(groups).toHaveLength(820);
    expect(groups.find((g: { labels: { point: string } }) => g.labels.point === 'w26734')).toEqual({
      targets: ['10.16.0.136'],
      labels: {
        point: 'w26734',
        point_name: 'Phường Tân Định',
        level: 'ward',
        district: 'd760',
        agency: '',
        module: 'icmp_ipv4',
      },
    });
    // a hub counts in its own district, so an isolated district includes its hub
    expect(groups.find((g: { labels: { point: string } }) => g.labels.point === 'd760').labels.district).toBe(
      'd760',
    );
  });

  it('writes the plan as pins identical to the inventory’s own', () => {
    const pins = text(addressPinsYaml(model).content);
    expect(pins.split('\n').slice(2)).toEqual(
      readFileSync(join(BUILTIN_CITY, '..', 'addresses.yaml'), 'utf8')
        .split('\n')
        .slice(2),
    );
  });
});
