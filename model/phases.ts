/**
 * What exists today: the phases of the build-out in service. A planned phase's servers, pools and
 * tenants are in the model — validated and counted — but nothing is deployed for them: the Nodes
 * a stack would label do not exist yet, and a tenant of the plan has nowhere to run.
 */
import type { CityModel, Server, Tenant } from './types.ts';

/** Whether the phase `id` is in service (an unknown phase is not). */
export function phaseInService(model: Pick<CityModel, 'phases'>, id: string): boolean {
  return model.phases.some((p) => p.id === id && p.status === 'in-service');
}

/** The servers that exist: those of phases in service, in the model's order. */
export const serversInService = (model: CityModel): Server[] =>
  model.servers.filter((s) => phaseInService(model, s.phase));

/** The tenants that run: those of phases in service, in the model's order. */
export const tenantsInService = (model: CityModel): Tenant[] =>
  model.tenants.filter((t) => phaseInService(model, t.phase));

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
