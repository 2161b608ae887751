/** Patroni keeps a PostgreSQL shard's leader lock in the Kubernetes API: a service account allowed just that. */

import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1/index.js';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1/index.js';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1/index.js';
import { Construct } from 'constructs';
import type { WarehouseScope } from './warehouse-scope.ts';

export interface PatroniAccessProps {
  /** The warehouse whose shards Patroni runs. */
  readonly scope: WarehouseScope;
}

/** The service account the shards of a PostgreSQL warehouse run as. */
export const patroniAccountName = (warehouse: string) => `${warehouse}-patroni`;

export class PatroniAccess extends Construct {
  /** The service account the shards' pods run as. */
  readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: PatroniAccessProps) {
    super(scope, id);
    const s = props.scope;
    const name = patroniAccountName(s.warehouse.id);
    this.serviceAccountName = name;
    const meta = { name, namespace: s.namespace };
    new ServiceAccountV1(this, 'patroni-account', { metadata: meta }).overrideLogicalId(name);
    new RoleV1(this, 'patroni-role', {
      metadata: meta,
      rule: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'],
        },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'patch', 'update'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['create'] },
      ],
    }).overrideLogicalId(name);
    new RoleBindingV1(this, 'patroni-binding', {
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subject: [{ kind: 'ServiceAccount', name, namespace: s.namespace }],
    }).overrideLogicalId(name);
  }
}
