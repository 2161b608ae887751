/** The apps stack: every e-government application the tenants declare, but the portal. */
import type { Construct } from 'constructs';
import { EgovApp } from '../constructs/egov-app.ts';
import type { CityModel } from '../model/index.ts';
import { CityStack } from './city-stack.ts';

export class AppsStack extends CityStack {
  constructor(scope: Construct, id: string, model: CityModel) {
    super(scope, id, model.terraformState);
    for (const tenant of model.tenants)
      if (tenant.app && tenant.id !== model.portalTenant)
        new EgovApp(this, tenant.id, { tenant, pools: model.pools });
  }
}
