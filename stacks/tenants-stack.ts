/** The tenants stack: every agency's namespace, quota, network policies and access. */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider/index.js';
import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AgencyTenant } from '../constructs/agency-tenant.ts';
import type { CityModel } from '../model/index.ts';

export class TenantsStack extends TerraformStack {
  constructor(scope: Construct, id: string, model: CityModel) {
    super(scope, id);
    new KubernetesProvider(this, 'kubernetes', { configPath: '~/.kube/config' });
    new LocalBackend(this, { path: `../../../../state/${id}.tfstate` });
    for (const tenant of model.tenants)
      new AgencyTenant(this, tenant.id, {
        tenant,
        warehouses: model.warehouses,
        externalSystems: model.externalSystems,
      });
  }
}
