/** The tenants stack: every agency's namespace, quota, network policies and access, a part per tenant. */
import type { CityModel } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import type { StackPlan } from './stack-plan.ts';

const agencyTenant = loadOnce(() => import('../constructs/agency-tenant.ts'));

export function tenantsPlan(model: CityModel, name = 'tenants'): StackPlan {
  const warehouses = model.warehouses;
  const externalSystems = model.externalSystems;
  return {
    name,
    state: model.terraformState,
    parts: model.tenants.map((tenant) => ({
      id: tenant.id,
      slice: { tenant, warehouses: warehouses.map((w) => w.id), externalSystems },
      load: async () => {
        const { AgencyTenant } = await agencyTenant();
        return (s) => new AgencyTenant(s, tenant.id, { tenant, warehouses, externalSystems });
      },
    })),
  };
}
