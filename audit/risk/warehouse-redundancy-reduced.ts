/**
 * High: a warehouse's redundancy reduced — fewer replicas (or shards) in the inventory, or a
 * StatefulSet's replicas lowered. Fewer copies of a shard means one failure closer to losing
 * its quorum, and the data behind a public service with it.
 */
import type { Change } from '../change.ts';
import { after, before, resourceType } from './risk-rule.ts';

export function warehouseRedundancyReduced(c: Change): string | null {
  const f = c.facts;
  if (c.kind === 'warehouse' && c.action === 'change') {
    const why: string[] = [];
    if (Number(f.replicasAfter) < Number(f.replicasBefore))
      why.push(`replicas ${f.replicasBefore} → ${f.replicasAfter}`);
    if (Number(f.shardsAfter) < Number(f.shardsBefore))
      why.push(`shards ${f.shardsBefore} → ${f.shardsAfter}`);
    if (Number(f.storageTiBAfter) < Number(f.storageTiBBefore))
      why.push(`storage ${f.storageTiBBefore} → ${f.storageTiBAfter} TiB`);
    return why.length ? `warehouse ${c.id}: ${why.join(', ')}` : null;
  }
  if (
    resourceType(c).startsWith('kubernetes_stateful_set') &&
    (c.action === 'change' || c.action === 'replace')
  ) {
    const was = Number(before(c, 'spec', 'replicas'));
    const is = Number(after(c, 'spec', 'replicas'));
    if (is < was) return `StatefulSet ${c.id}: replicas ${was} → ${is}`;
  }
  return null;
}
