/**
 * Nothing in service stands on a planned pool: a tenant requesting a pool whose phase is planned
 * must arrive in that phase, a warehouse cannot be placed on one — its servers do not exist yet,
 * so the quota would promise capacity no Node has and the pods would never be scheduled — and a
 * server in service cannot be in one (its Node would be labelled and tainted for a pool nothing
 * in service may use).
 */
import { phaseInService } from '../phases.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function plannedPoolUse(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const poolPhase = new Map(model.pools.map((p) => [p.id, p.phase]));
  const planned = (pool: string) => {
    const phase = poolPhase.get(pool);
    return phase !== undefined && !phaseInService(model, phase) ? phase : null;
  };
  for (const t of model.tenants)
    for (const r of t.requests) {
      const phase = planned(r.pool);
      if (phase === null || phase === t.phase) continue;
      v.push({
        path: `${t.path}.requests[${r.pool}]`,
        field: 'pool',
        message: `requests pool ${r.pool}, which is planned (phase ${phase}) while the tenant is in phase ${t.phase}`,
        expected: `phase: ${phase} on the tenant (it arrives with the pool), or pool ${r.pool}'s phase in service`,
      });
    }
  for (const w of model.warehouses) {
    const phase = planned(w.pool);
    if (phase === null) continue;
    v.push({
      path: w.path,
      field: 'pool',
      message: `is placed on pool ${w.pool}, which is planned (phase ${phase}): its servers do not exist yet`,
      expected: `a pool in service, or pool ${w.pool}'s phase in service`,
    });
  }
  // servers are reported once per range, as the other rules do: a range shares its rack and pool
  const seen = new Set<string>();
  for (const s of model.servers) {
    const phase = planned(s.pool);
    if (phase === null || !phaseInService(model, s.phase) || seen.has(`${s.rack}\u0000${s.pool}`)) continue;
    seen.add(`${s.rack}\u0000${s.pool}`);
    v.push({
      path: s.path,
      field: 'phase',
      message: `is in service (phase ${s.phase}) in pool ${s.pool}, which is planned (phase ${phase})`,
      expected: `phase: ${phase} on the server's range or rack, or pool ${s.pool}'s phase in service`,
    });
  }
  return resultOf(model.tenants.length + model.warehouses.length + model.servers.length > 0, v);
}
