/**
 * The one definition of a pool's headroom, read by validation (CC005), the headroom alerts, the
 * rolling upgrade and the capacity review.
 *
 * A pool of N servers is upgraded in waves of `w` servers (its `maxUnavailable`: 10% of the pool
 * by default, at least one). It keeps `k` servers spare: the largest of one server (a failure),
 * its largest rack (a rack is a failure domain: power, top-of-rack switch) and `w` (an upgrade
 * wave). Its requests must fit on N − k servers, and its utilisation must stay under (N − k) / N.
 */
import { memoByModel } from './memo-by-model.ts';
import type { CityModel, Pool } from './types.ts';

/** What sets the spare servers: a single server, the pool's largest rack, or its upgrade wave. */
export type SpareReason = 'server' | 'rack' | 'wave';

export interface PoolHeadroom {
  readonly pool: string;
  /** N: the pool's servers. */
  readonly servers: number;
  /** w: the most servers an upgrade takes out of the pool at once. */
  readonly wave: number;
  /** The pool's largest rack and how many of the pool's servers it holds. */
  readonly largestRack: { readonly rack: string; readonly servers: number } | null;
  /** k: the servers the pool keeps spare, max(1, largest rack, w), at most N. */
  readonly spare: number;
  readonly reason: SpareReason;
  /** (N − k) / N: the share of the pool that may be busy; 0 for a pool of one server or none. */
  readonly limit: number;
}

/** w for a pool of `servers`: its maxUnavailable, a count or a share rounded down, at least 1. */
export function waveSize(pool: Pool, servers: number): number {
  const m = pool.maxUnavailable;
  const w = 'servers' in m ? m.servers : Math.floor((servers * m.percent) / 100);
  return Math.max(1, Math.min(w, Math.max(1, servers)));
}

/** Every pool's headroom, in the order the model declares the pools. */
export const poolHeadrooms = memoByModel((model: CityModel): ReadonlyMap<string, PoolHeadroom> => {
  const racks = new Map<string, Map<string, number>>();
  for (const s of model.servers) {
    const byRack = racks.get(s.pool) ?? new Map<string, number>();
    byRack.set(s.rack, (byRack.get(s.rack) ?? 0) + 1);
    racks.set(s.pool, byRack);
  }
  const out = new Map<string, PoolHeadroom>();
  for (const pool of model.pools) {
    const byRack = racks.get(pool.id) ?? new Map<string, number>();
    let n = 0;
    let largestRack: PoolHeadroom['largestRack'] = null;
    // racks in name order, so a tie names the same rack every time
    for (const rack of [...byRack.keys()].sort()) {
      const count = byRack.get(rack) as number;
      n += count;
      if (!largestRack || count > largestRack.servers) largestRack = { rack, servers: count };
    }
    const wave = waveSize(pool, n);
    const rackServers = largestRack?.servers ?? 0;
    const spare = Math.min(Math.max(1, rackServers, wave), n);
    // the reason names the largest contributor; a rack wins a tie with the wave (it is the cause
    // that does not go away when the upgrade ends)
    const reason: SpareReason =
      rackServers >= wave && rackServers > 1 ? 'rack' : wave > 1 ? 'wave' : 'server';
    out.set(pool.id, {
      pool: pool.id,
      servers: n,
      wave,
      largestRack,
      spare,
      reason,
      limit: n > 1 ? (n - spare) / n : 0,
    });
  }
  return out;
});

/** Why the pool keeps k spare, in words for an alert or a finding. */
export function spareExplained(h: PoolHeadroom): string {
  const what =
    h.reason === 'rack'
      ? `its largest rack (${h.largestRack?.rack}, ${h.spare} servers), a failure domain`
      : h.reason === 'wave'
        ? `its upgrade wave (maxUnavailable, ${h.wave} servers)`
        : 'one server, for a failure';
  return `keeps ${h.spare} of ${h.servers} servers spare: ${what}`;
}
