import { Labels } from '@cdktf/provider-kubernetes/lib/labels/index.js';
import { NodeTaint } from '@cdktf/provider-kubernetes/lib/node-taint/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServerPool, type ServerPoolProps } from '../../constructs/server-pool.ts';
import { type CityModel, loadCity } from '../../model/index.ts';
import { BUILTIN_CITY, modelOf, smallCity } from '../helpers/city.ts';

const small = modelOf(smallCity());
const poolProps = (model: CityModel, id: string): ServerPoolProps => ({
  pool: model.pools.find((p) => p.id === id) as ServerPoolProps['pool'],
  servers: model.servers.filter((s) => s.pool === id),
});
const synth = (props: ServerPoolProps) => Testing.synthScope((scope) => new ServerPool(scope, 'pool', props));
const resources = (json: string, type: string) =>
  (JSON.parse(json).resource?.[type] ?? {}) as Record<string, Record<string, unknown>>;

describe('ServerPool', () => {
  it('labels every server’s Node with its pool, zone, row, rack, model and criticality (defaults)', () => {
    const json = synth(poolProps(small, 'web'));
    expect(
      Testing.toHaveResourceWithProperties(json, Labels.tfResourceType, {
        api_version: 'v1',
        kind: 'Node',
        metadata: { name: 'dc1-h1-r01-k01-u01' },
        field_manager: 'citycloud',
        labels: {
          'topology.kubernetes.io/zone': 'h1',
          'node.kubernetes.io/instance-type': 'm1',
          'citycloud.hcmc.gov.vn/pool': 'web',
          'citycloud.hcmc.gov.vn/row': 'h1-r01',
          'citycloud.hcmc.gov.vn/rack': 'dc1-h1-r01-k01',
          'citycloud.hcmc.gov.vn/criticality': 'high',
        },
      }),
    ).toBe(true);
    // addressed by server name, one each
    expect(Object.keys(resources(json, Labels.tfResourceType))).toEqual(
      small.servers.filter((s) => s.pool === 'web').map((s) => s.name),
    );
  });

  it('does not taint a general pool, and taints every node of a dedicated one', () => {
    expect(resources(synth(poolProps(small, 'web')), NodeTaint.tfResourceType)).toEqual({});
    const json = synth(poolProps(small, 'wh-a'));
    const taints = resources(json, NodeTaint.tfResourceType);
    expect(Object.keys(taints)).toHaveLength(6);
    expect(taints['dc1-h1-r01-k03-u10']).toMatchObject({
      metadata: { name: 'dc1-h1-r01-k03-u10' },
      taint: [{ key: 'citycloud.hcmc.gov.vn/pool', value: 'wh-a', effect: 'NoSchedule' }],
    });
  });

  it('takes its own label prefix and taint choice', () => {
    const json = synth({ ...poolProps(small, 'web'), labelPrefix: 'city.example', taint: true });
    expect(Object.keys(resources(json, NodeTaint.tfResourceType))).toHaveLength(8);
    expect(json).toContain('"city.example/pool": "web"');
  });

  it('adds one server’s resources and changes no other when a server is added', () => {
    const city = smallCity();
    const before = JSON.parse(synth(poolProps(modelOf(city), 'web'))).resource;
    city.datacentre.halls[0].rows[0].racks[0].servers[0].count = 5;
    const after = JSON.parse(synth(poolProps(modelOf(city), 'web'))).resource;
    const added = Object.keys(after[Labels.tfResourceType]).filter(
      (k) => !(k in before[Labels.tfResourceType]),
    );
    expect(added).toEqual(['dc1-h1-r01-k01-u05']);
    for (const [k, v] of Object.entries(before[Labels.tfResourceType]))
      expect(after[Labels.tfResourceType][k]).toEqual(v);
  });

  it.each([
    [
      'a server of another pool',
      (p: ServerPoolProps) => ({
        ...p,
        servers: [...p.servers, ...small.servers.filter((s) => s.pool === 'wh-a').slice(0, 1)],
      }),
      /^stack\/pool: dc1-h1-r01-k01-u10 belong to wh-a, not web; expected only the pool's own servers$/,
    ],
    [
      'no servers',
      (p: ServerPoolProps) => ({ ...p, servers: [] }),
      /^stack\/pool: pool web has no servers; expected at least one \(pools\[web\]\)$/,
    ],
    [
      'a label prefix that is no DNS subdomain',
      (p: ServerPoolProps) => ({ ...p, labelPrefix: 'City Cloud' }),
      /^stack\/pool: labelPrefix "City Cloud" is not a DNS subdomain; expected e\.g\. citycloud\.hcmc\.gov\.vn$/,
    ],
  ])('fails on %s, naming the construct path', (_, change, message) => {
    expect(() => synth(change(poolProps(small, 'web')))).toThrow(message);
  });
});

describe('the platform stacks of the built-in city', () => {
  it('label all 1,028 servers in service, a row of racks a stack, and taint those of dedicated pools', async () => {
    const { terraformView } = await import('../../stacks/terraform-view.ts');
    const model = loadCity(BUILTIN_CITY).model as CityModel;
    const rowsOf = async () =>
      (await terraformView.render(model)).filter((a) =>
        /^terraform\/stacks\/platform-h\d-r\d\d\//.test(a.path),
      );
    const rows = await rowsOf();
    // the GPU row of the 2024 plan (h2-r04) is not built yet: no stack
    expect(rows).toHaveLength(7);
    const stacks = rows.map((a) => JSON.parse(String(a.content)));
    const all = (type: string) => stacks.flatMap((s) => Object.keys(s.resource[type] ?? {}));
    const built = model.servers.filter((s) => s.phase === '2023');
    expect(built).toHaveLength(1028);
    expect(all('kubernetes_labels')).toHaveLength(1028);
    expect(new Set(all('kubernetes_labels')).size).toBe(1028);
    const dedicated = new Set(model.pools.filter((p) => p.dedicated).map((p) => p.id));
    expect(all('kubernetes_node_taint')).toHaveLength(built.filter((s) => dedicated.has(s.pool)).length);
    // a server's labels are in its own row's stack, whose state is its own
    const h2r01 = stacks[rows.findIndex((a) => a.path.includes('platform-h2-r01'))];
    expect(Object.keys(h2r01.resource.kubernetes_labels).every((n) => n.startsWith('dc1-h2-r01-'))).toBe(
      true,
    );
    expect(h2r01.terraform.backend).toEqual({ local: { path: '../../../../state/platform-h2-r01.tfstate' } });
    // the same model gives the same bytes
    const again = await rowsOf();
    expect(again.map((a) => a.content)).toEqual(rows.map((a) => a.content));
  });
});
