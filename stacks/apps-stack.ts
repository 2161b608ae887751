/** The apps stack: every e-government application the tenants declare, but the portal; a part per app. */
import type { CityModel } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import type { StackPlan } from './stack-plan.ts';

const egovApp = loadOnce(() => import('../constructs/egov-app.ts'));

export function appsPlan(model: CityModel, name = 'apps'): StackPlan {
  const pools = model.pools;
  return {
    name,
    state: model.terraformState,
    parts: model.tenants
      .filter((t) => t.app && t.id !== model.portalTenant)
      .map((tenant) => ({
        id: tenant.id,
        slice: { tenant, pools: pools.filter((p) => tenant.requests.some((r) => r.pool === p.id)) },
        load: async () => {
          const { EgovApp } = await egovApp();
          return (s) => new EgovApp(s, tenant.id, { tenant, pools });
        },
      })),
  };
}
