/**
 * High: a pool left below its headroom — after the change its requests no longer fit on N − k
 * servers (the capacity rule CC005, with the headroom of model/pool-headroom.ts). A rack lost or
 * an upgrade wave out would then leave load with nowhere to run.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function poolBelowHeadroom(c: Change): RiskOutcome {
  if (c.facts.of !== 'pool') return NOT_APPLICABLE;
  return c.facts.belowHeadroomAfter && !c.facts.belowHeadroomBefore
    ? fired(
        `pool ${c.id} is left below its headroom: ${c.facts.shortfall ?? 'its requests no longer fit on N − k servers'}`,
      )
    : COMPLIANT;
}
