/** The tenants stack: every agency's namespace, quota, network policies and access. */
import type { Construct } from 'constructs';
import { AgencyTenant } from '../constructs/agency-tenant.ts';
import type { CityModel } from '../model/index.ts';
import { CityStack } from './city-stack.ts';

export class TenantsStack extends CityStack {
  constructor(scope: Construct, id: string, model: CityModel) {
    super(scope, id, model.terraformState);
    for (const tenant of model.tenants)
      new AgencyTenant(this, tenant.id, {
        tenant,
        warehouses: model.warehouses,
        externalSystems: model.externalSystems,
      });
  }
}
