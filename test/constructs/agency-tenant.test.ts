import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1/index.js';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { AgencyTenant, type AgencyTenantProps } from '../../constructs/agency-tenant.ts';
import { type CityModel, loadCity, type Tenant } from '../../model/index.ts';
import { BUILTIN_CITY } from '../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const tenant = (id: string) => model.tenants.find((t) => t.id === id) as Tenant;
const props = (id: string, extra: Partial<AgencyTenantProps> = {}): AgencyTenantProps => ({
  tenant: tenant(id),
  warehouses: model.warehouses,
  externalSystems: model.externalSystems,
  criticality: 'high',
  ...extra,
});
const synth = (p: AgencyTenantProps) =>
  Testing.synthScope((scope) => new AgencyTenant(scope, p.tenant.id, p));
const resource = (json: string, type: string, name: string) => JSON.parse(json).resource[type][name];

describe('AgencyTenant', () => {
  it('makes a labelled namespace, a quota of the tenant’s requests and default limits (defaults)', () => {
    const json = synth(props('email'));
    expect(resource(json, 'kubernetes_namespace_v1', 'tenant-email').metadata).toEqual({
      name: 'tenant-email',
      labels: {
        'citycloud.hcmc.gov.vn/tenant': 'email',
        'citycloud.hcmc.gov.vn/agency': 'stttt',
        'citycloud.hcmc.gov.vn/criticality': 'high',
      },
      annotations: { 'citycloud.hcmc.gov.vn/display-name': 'Official e-mail' },
    });
    expect(
      Testing.toHaveResourceWithProperties(json, ResourceQuotaV1.tfResourceType, {
        metadata: { name: 'requests', namespace: 'tenant-email' },
        spec: { hard: { 'requests.cpu': '2400', 'requests.memory': '18000Gi' } },
      }),
    ).toBe(true);
    expect(resource(json, 'kubernetes_limit_range_v1', 'tenant-email-limits').spec).toEqual({
      limit: [{ type: 'Container', default: { cpu: '1', memory: '2Gi' } }],
    });
  });

  it('denies everything by default, allows DNS, and nothing else when the tenant reaches nothing', () => {
    const policies = JSON.parse(synth(props('email'))).resource[NetworkPolicyV1.tfResourceType];
    expect(Object.keys(policies).sort()).toEqual(['tenant-email-allow-dns', 'tenant-email-default-deny']);
    expect(policies['tenant-email-default-deny'].spec).toEqual({
      pod_selector: {},
      policy_types: ['Ingress', 'Egress'],
    });
  });

  it('allows only what the model declares: the data portal reaches the eight warehouses', () => {
    const spec = resource(
      synth(props('data-portal')),
      NetworkPolicyV1.tfResourceType,
      'tenant-data-portal-allow-reaches',
    ).spec;
    expect(spec.egress).toHaveLength(1);
    expect(
      spec.egress[0].to.map(
        (t: { namespace_selector: { match_labels: Record<string, string> } }) =>
          t.namespace_selector.match_labels['citycloud.hcmc.gov.vn/warehouse'],
      ),
    ).toEqual([
      'population',
      'land',
      'construction',
      'enterprise',
      'health',
      'education',
      'transport',
      'iot',
    ]);
  });

  it('opens a national system by its address and ports only', () => {
    const spec = resource(
      synth(props('admin-procedures')),
      NetworkPolicyV1.tfResourceType,
      'tenant-admin-procedures-allow-reaches',
    ).spec;
    expect(spec.egress[1]).toEqual({
      to: [{ ip_block: { cidr: '203.0.113.0/28' } }],
      ports: [{ port: '443', protocol: 'TCP' }],
    });
  });

  it('asks for the GPUs a tenant requests', () => {
    expect(
      resource(synth(props('urban-cameras')), ResourceQuotaV1.tfResourceType, 'tenant-urban-cameras-quota')
        .spec.hard,
    ).toEqual({
      'requests.cpu': '4000',
      'requests.memory': '32000Gi',
      'requests.nvidia.com/gpu': '160',
    });
  });

  it('binds the agency’s group to edit in its namespace, or the group given', () => {
    const binding = (json: string) =>
      Object.values(JSON.parse(json).resource[RoleBindingV1.tfResourceType])[0] as Record<string, unknown>;
    expect(binding(synth(props('email')))).toMatchObject({
      metadata: { name: 'agency-edit', namespace: 'tenant-email' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject: [{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'agency:stttt' }],
    });
    expect(binding(synth(props('email', { group: 'oidc:stttt-ops' })))).toMatchObject({
      subject: [{ name: 'oidc:stttt-ops' }],
    });
  });

  it('fails on a reach the model does not have, naming the construct and the tenant', () => {
    const bad = { ...tenant('email'), reaches: ['nowhere'] };
    expect(() => synth({ ...props('email'), tenant: bad })).toThrow(
      /^stack\/email: tenant email reaches nowhere, which is no warehouse or external system \(tenants\[email\]\); expected one of population, /,
    );
  });
});
