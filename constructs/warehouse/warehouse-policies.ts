/**
 * A warehouse's network policies: deny by default; DNS; replication, keeper and Patroni traffic
 * inside the warehouse; Patroni's way to the Kubernetes API; the tenants that `reach` it on the
 * engine's client ports; and only its connector out to the national systems it `connectsTo`.
 */
import {
  NetworkPolicyV1,
  type NetworkPolicyV1Spec,
  type NetworkPolicyV1SpecEgress,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { Construct } from 'constructs';
import type { ExternalSystem, Tenant } from '../../model/index.ts';
import { allowDns, defaultDeny } from '../namespace-policies.ts';
import type { WarehouseEngine } from './engine.ts';
import { CONNECTOR_NAME } from './warehouse-connector.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

export interface WarehousePoliciesProps {
  readonly scope: WarehouseScope;
  readonly engine: WarehouseEngine;
  /** The model's tenants: those that `reach` the warehouse are let in. */
  readonly tenants: readonly Tenant[];
  /** The national systems the connector exchanges data with. */
  readonly externals: readonly ExternalSystem[];
}

export class WarehousePolicies extends Construct {
  constructor(scope: Construct, id: string, props: WarehousePoliciesProps) {
    super(scope, id);
    const s = props.scope;
    const w = s.warehouse;
    const policy = (name: string, spec: NetworkPolicyV1Spec) =>
      new NetworkPolicyV1(this, `policy-${name}`, {
        metadata: s.metadata(`${w.id}-${name}`),
        spec,
      }).overrideLogicalId(`${w.id}-${name}`);
    const readers = props.tenants.filter((t) => t.reaches.includes(w.id)).map((t) => t.id);
    policy('default-deny', defaultDeny());
    policy('allow-dns', allowDns());
    // replication, keeper and Patroni traffic stays inside the warehouse
    policy('allow-internal', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    if (props.engine.leaderLockInKubernetes)
      policy('allow-kubernetes-api', {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': props.engine.name } },
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: '443', protocol: 'TCP' },
              { port: '6443', protocol: 'TCP' },
            ],
          },
        ],
      });
    if (readers.length > 0)
      policy('allow-readers', {
        podSelector: { matchLabels: { [`${s.labelPrefix}/warehouse`]: w.id } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: readers.map((t) => ({
              namespaceSelector: { matchLabels: { [`${s.labelPrefix}/tenant`]: t } },
            })),
            ports: props.engine.clientPorts.map((p) => ({ port: String(p), protocol: 'TCP' })),
          },
        ],
      });
    if (props.externals.length > 0) {
      const egress: NetworkPolicyV1SpecEgress[] = props.externals.map((e) => ({
        to: [{ ipBlock: { cidr: e.cidr } }],
        ports: e.ports.map((p) => ({ port: String(p), protocol: 'TCP' })),
      }));
      // only the connector, not the database pods, talks to the national systems
      policy('allow-connector-egress', {
        podSelector: { matchLabels: { ...s.base, 'app.kubernetes.io/name': CONNECTOR_NAME } },
        policyTypes: ['Egress'],
        egress,
      });
    }
  }
}
