/**
 * High: a pool left below its headroom — after the change its requests no longer fit on N − k
 * servers (the capacity rule CC005, with the headroom of model/pool-headroom.ts). A rack lost or
 * an upgrade wave out would then leave load with nowhere to run.
 */
import type { Change } from '../change.ts';

export function poolBelowHeadroom(c: Change): string | null {
  if (c.kind !== 'pool' || c.facts.belowHeadroomAfter !== true || c.facts.belowHeadroomBefore === true)
    return null;
  return `pool ${c.id} is left below its headroom: ${c.summary.replace(/^[^;]*; below its headroom: /, '')}`;
}
