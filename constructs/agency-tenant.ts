/**
 * An agency's tenant: its namespace, a ResourceQuota equal to what the inventory says it
 * requests, default container limits, a default-deny NetworkPolicy with only DNS and the allows
 * the model declares (the warehouses and national systems it `reaches`), and its people's group
 * bound to the namespace's `edit` role.
 */
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1/index.js';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1/index.js';
import {
  NetworkPolicyV1,
  type NetworkPolicyV1SpecEgress,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1/index.js';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1/index.js';
import { Construct } from 'constructs';
import {
  type Criticality,
  type ExternalSystem,
  KUBERNETES_LABEL_PREFIX,
  type Tenant,
  tenantNamespace,
  type Warehouse,
} from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';
import { allowDns, defaultDeny } from './namespace-policies.ts';

export interface AgencyTenantProps {
  /** The tenant, from the model. */
  readonly tenant: Tenant;
  /** The model's warehouses, to resolve what the tenant reaches. */
  readonly warehouses: readonly Warehouse[];
  /** The model's external systems, to resolve what the tenant reaches. */
  readonly externalSystems: readonly ExternalSystem[];
  /**
   * How the tenant's workloads are paged: its most critical pool's criticality
   * (model/kubernetes-names.ts tenantCriticality), a label of its namespace the monitoring reads.
   */
  readonly criticality: Criticality;
  /**
   * The agency's group in the cluster's identity provider.
   * @default `agency:<agency id>`
   */
  readonly group?: string;
  /**
   * Limits of a container that sets none.
   * @default { cpu: '1', memory: '2Gi' }
   */
  readonly defaultContainerLimits?: { readonly cpu: string; readonly memory: string };
  /**
   * Prefix of citycloud's label keys (as ServerPool's).
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
}

const RBAC = 'rbac.authorization.k8s.io';

export class AgencyTenant extends Construct {
  readonly namespace: string;
  readonly group: string;
  readonly labelPrefix: string;
  readonly defaultContainerLimits: { readonly cpu: string; readonly memory: string };

  constructor(scope: Construct, id: string, props: AgencyTenantProps) {
    super(scope, id);
    const t = props.tenant;
    this.namespace = tenantNamespace(t.id);
    this.group = props.group ?? `agency:${t.agency}`;
    this.labelPrefix = props.labelPrefix ?? KUBERNETES_LABEL_PREFIX;
    this.defaultContainerLimits = props.defaultContainerLimits ?? { cpu: '1', memory: '2Gi' };

    const warehouses = new Map(props.warehouses.map((w) => [w.id, w]));
    const externals = new Map(props.externalSystems.map((e) => [e.id, e]));
    const unknown = t.reaches.filter((r) => !warehouses.has(r) && !externals.has(r));
    if (unknown.length > 0)
      throw new ConstructPropsError(
        'tenant-reaches',
        `${this.node.path}: tenant ${t.id} reaches ${unknown.join(', ')}, which is no warehouse or external system (${t.path}); expected one of ${[...warehouses.keys(), ...externals.keys()].join(', ')}`,
        t.path,
      );

    const name = (suffix: string) => `${this.namespace}-${suffix}`;
    const metadata = (resource: string) => ({ name: resource, namespace: this.namespace });
    const ns = new NamespaceV1(this, 'namespace', {
      metadata: {
        name: this.namespace,
        labels: {
          [`${this.labelPrefix}/tenant`]: t.id,
          [`${this.labelPrefix}/agency`]: t.agency,
          [`${this.labelPrefix}/criticality`]: props.criticality,
        },
        // the name people know it by, for kubectl describe and the dashboards
        annotations: { [`${this.labelPrefix}/display-name`]: t.name },
      },
    });
    ns.overrideLogicalId(this.namespace);

    const total = (key: 'cpuCores' | 'memoryGiB' | 'gpus') => t.requests.reduce((sum, r) => sum + r[key], 0);
    new ResourceQuotaV1(this, 'quota', {
      metadata: metadata('requests'),
      spec: {
        hard: {
          'requests.cpu': String(total('cpuCores')),
          'requests.memory': `${total('memoryGiB')}Gi`,
          ...(total('gpus') > 0 ? { 'requests.nvidia.com/gpu': String(total('gpus')) } : {}),
        },
      },
    }).overrideLogicalId(name('quota'));

    new LimitRangeV1(this, 'limits', {
      metadata: metadata('defaults'),
      spec: { limit: [{ type: 'Container', default: { ...this.defaultContainerLimits } }] },
    }).overrideLogicalId(name('limits'));

    new NetworkPolicyV1(this, 'default-deny', {
      metadata: metadata('default-deny'),
      spec: defaultDeny(),
    }).overrideLogicalId(name('default-deny'));
    new NetworkPolicyV1(this, 'allow-dns', {
      metadata: metadata('allow-dns'),
      spec: allowDns(),
    }).overrideLogicalId(name('allow-dns'));

    const egress: NetworkPolicyV1SpecEgress[] = [];
    const reachedWarehouses = t.reaches.filter((r) => warehouses.has(r));
    if (reachedWarehouses.length > 0)
      egress.push({
        to: reachedWarehouses.map((w) => ({
          namespaceSelector: { matchLabels: { [`${this.labelPrefix}/warehouse`]: w } },
        })),
      });
    for (const r of t.reaches) {
      const e = externals.get(r);
      if (e)
        egress.push({
          to: [{ ipBlock: { cidr: e.cidr } }],
          ports: e.ports.map((p) => ({ port: String(p), protocol: 'TCP' })),
        });
    }
    if (egress.length > 0)
      new NetworkPolicyV1(this, 'allow-reaches', {
        metadata: metadata('allow-reaches'),
        spec: { podSelector: {}, policyTypes: ['Egress'], egress },
      }).overrideLogicalId(name('allow-reaches'));

    new RoleBindingV1(this, 'agency-edit', {
      metadata: metadata('agency-edit'),
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' },
      subject: [{ apiGroup: RBAC, kind: 'Group', name: this.group }],
    }).overrideLogicalId(name('agency-edit'));
  }
}
