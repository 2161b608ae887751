/**
 * Changes one artifact makes because another did: a pool's headroom alerts fire at (N − k)/N, so
 * servers added to a pool move their threshold up — the permissive way, but because the pool
 * grew, not because monitoring was loosened. Such a threshold is marked as following the
 * inventory (an update, low) when it is exactly the pool's new limit; any other move stays a
 * loosening.
 */
import type { Change } from './change.ts';

/** The rules write a limit rounded down to four decimals. */
const asWritten = (limit: number) => Math.floor(limit * 10_000) / 10_000;

export function reconcileDerived(changes: readonly Change[]): Change[] {
  const limits = new Map<string, number>();
  for (const c of changes)
    if (c.facts.of === 'pool' && c.facts.limitAfter !== undefined) limits.set(c.id, c.facts.limitAfter);
  if (limits.size === 0) return [...changes];
  return changes.map((c) => {
    const f = c.facts;
    if (f.of !== 'alert' || !f.thresholdOnly) return c;
    const limit = limits.get(f.pool);
    if (limit === undefined || asWritten(limit) !== f.thresholdAfter) return c;
    return {
      ...c,
      summary: `alert ${c.id}: its threshold follows pool ${f.pool}'s headroom (N − k)/N, now ${f.thresholdAfter}, as the pool changed`,
      facts: { ...f, loosened: [], followsInventory: true },
    };
  });
}
