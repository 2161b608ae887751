/** The portal stack: the public-services portal, its tiers and its routing table. */
import type { CityModel, Tenant } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import type { StackPlan } from './stack-plan.ts';

const portal = loadOnce(() => import('../constructs/public-services-portal.ts'));

export function portalPlan(model: CityModel, tenant: Tenant, name = 'portal'): StackPlan {
  const props = { tenant, pools: model.pools, services: model.publicServices, tiers: model.serviceTiers };
  return {
    name,
    state: model.terraformState,
    parts: [
      {
        id: 'portal',
        slice: { ...props, pools: model.pools.filter((p) => tenant.requests.some((r) => r.pool === p.id)) },
        load: async () => {
          const { PublicServicesPortal } = await portal();
          return (s) => new PublicServicesPortal(s, 'portal', props);
        },
      },
    ],
  };
}
