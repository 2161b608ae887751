/** The portal stack: the public-services portal, its tiers and its routing table. */
import type { Construct } from 'constructs';
import { PublicServicesPortal } from '../constructs/public-services-portal.ts';
import type { CityModel, Tenant } from '../model/index.ts';
import { CityStack } from './city-stack.ts';

export class PortalStack extends CityStack {
  constructor(scope: Construct, id: string, model: CityModel, tenant: Tenant) {
    super(scope, id, model.terraformState);
    new PublicServicesPortal(this, 'portal', {
      tenant,
      pools: model.pools,
      services: model.publicServices,
      tiers: model.serviceTiers,
    });
  }
}
