/**
 * What exists today: the phases of the build-out in service. A planned phase's servers, pools and
 * tenants are in the model — validated and counted — but nothing is deployed for them: the Nodes
 * a stack would label do not exist yet, and a tenant of the plan has nowhere to run.
 */
import type { CityModel, Server, Tenant } from './types.ts';

/** Whether the phase `id` is in service (an unknown phase is not). */
export function phaseInService(model: Pick<CityModel, 'phases'>, id: string): boolean {
  return inService(model).has(id);
}

/** The ids of the phases in service. */
const inService = (model: Pick<CityModel, 'phases'>): Set<string> =>
  new Set(model.phases.filter((p) => p.status === 'in-service').map((p) => p.id));

/**
 * The servers that run, which the upgrade acts on, the gates and the monitoring watch: those of
 * phases in service and not out of service (failed, awaiting their replacement), in the model's
 * order.
 */
export function serversInService(model: CityModel): Server[] {
  const phases = inService(model);
  const out = new Set(model.outOfService.map((o) => o.server));
  return model.servers.filter((s) => phases.has(s.phase) && !out.has(s.name));
}

/** The tenants that run: those of phases in service, in the model's order. */
export function tenantsInService(model: CityModel): Tenant[] {
  const phases = inService(model);
  return model.tenants.filter((t) => phases.has(t.phase));
}

/**
 * The model as the stacks deploy it: without the servers and tenants of planned phases. The very
 * same model when everything is in service, so what is computed once per model stays computed.
 */
export function deployedModel(model: CityModel): CityModel {
  const servers = serversInService(model);
  const tenants = tenantsInService(model);
  if (servers.length === model.servers.length && tenants.length === model.tenants.length) return model;
  return Object.freeze({ ...model, servers: Object.freeze(servers), tenants: Object.freeze(tenants) });
}
