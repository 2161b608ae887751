/** The tenants stack: every agency's namespace, quota, network policies and access, a part per tenant. */
import { type CityModel, tenantCriticality } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import type { StackPlan } from './stack-plan.ts';

const agencyTenant = loadOnce(() => import('../constructs/agency-tenant.ts'));

export function tenantsPlan(model: CityModel, name = 'tenants'): StackPlan {
  const warehouses = model.warehouses;
  const externalSystems = model.externalSystems;
  const pools = new Map(model.pools.map((p) => [p.id, p.criticality]));
  return {
    name,
    state: model.terraformState,
    parts: model.tenants.map((tenant) => {
      const criticality = tenantCriticality(tenant, (pool) => pools.get(pool) ?? 'normal');
      return {
        id: tenant.id,
        slice: { tenant, warehouses: warehouses.map((w) => w.id), externalSystems, criticality },
        load: async () => {
          const { AgencyTenant } = await agencyTenant();
          return (s) => new AgencyTenant(s, tenant.id, { tenant, warehouses, externalSystems, criticality });
        },
      };
    }),
  };
}
