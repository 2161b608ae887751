/**
 * High: a warehouse's redundancy reduced — fewer replicas (or shards) in the inventory, or a
 * StatefulSet's replicas lowered. Fewer copies of a shard means one failure closer to losing
 * its quorum, and the data behind a public service with it.
 */
import type { Change } from '../change.ts';
import {
  after,
  before,
  COMPLIANT,
  fired,
  firedIf,
  NOT_APPLICABLE,
  type RiskOutcome,
  resourceType,
} from './risk-rule.ts';

/** A figure lowered, said `name before → after`; none when it was not there on both sides. */
const lowered = (name: string, was: number | undefined, is: number | undefined, unit = '') =>
  was !== undefined && is !== undefined && is < was ? [`${name} ${was} → ${is}${unit}`] : [];

export function warehouseRedundancyReduced(c: Change): RiskOutcome {
  const f = c.facts;
  if (f.of === 'warehouse') {
    if (c.action !== 'change') return COMPLIANT;
    return firedIf(
      [
        ...lowered('replicas', f.replicasBefore, f.replicasAfter),
        ...lowered('shards', f.shardsBefore, f.shardsAfter),
        ...lowered('storage', f.storageTiBBefore, f.storageTiBAfter, ' TiB'),
      ],
      `warehouse ${c.id}: `,
    );
  }
  if (!resourceType(c).startsWith('kubernetes_stateful_set')) return NOT_APPLICABLE;
  if (c.action !== 'change' && c.action !== 'replace') return COMPLIANT;
  const was = Number(before(c, 'spec', 'replicas'));
  const is = Number(after(c, 'spec', 'replicas'));
  return is < was ? fired(`StatefulSet ${c.id}: replicas ${was} → ${is}`) : COMPLIANT;
}
