/**
 * What the faults that load a server's CPU (pool-load, cpu-saturated) do to its busy CPU seconds:
 * from a fault's start the server runs at least the fault's utilisation — the highest of its
 * faults' when several hold it — and when a fault ends it goes on from where its counter got to,
 * at the rate of the faults left (or its normal rate). The counter is max(normal, loaded), so it
 * never goes down, never jumps, and never runs faster than the cores (idle stays a counter too).
 */

interface Loaded {
  readonly since: number;
  /** The normal busy seconds at the start, and the utilisation held from then. */
  readonly start: number;
  readonly utilisation: number;
}

export class PoolLoad {
  /** Busy seconds a server has gained over its normal counter from faults that ended. */
  private readonly gained = new Map<string, number>();
  /** Each server's active loads, by the fault that holds it. */
  private readonly active = new Map<string, Map<string, Loaded>>();

  /** The busy seconds to report at t, given the server's normal counter then. */
  busySeconds(server: string, cores: number, normal: number, t: number): number {
    return normal + (this.gained.get(server) ?? 0) + this.extra(server, cores, normal, t);
  }

  /** What the active loads add over the normal counter (and what ended faults already added). */
  private extra(server: string, cores: number, normal: number, t: number): number {
    const base = normal + (this.gained.get(server) ?? 0);
    let most = 0;
    for (const a of this.active.get(server)?.values() ?? [])
      most = Math.max(most, a.start + a.utilisation * cores * (t - a.since) - base);
    return most;
  }

  /** Holds the server at `utilisation` from t for fault `id` (its normal counter then given). */
  start(server: string, id: string, cores: number, utilisation: number, normal: number, t: number): void {
    const loads = this.active.get(server) ?? new Map<string, Loaded>();
    this.active.set(server, loads);
    // the load starts from the counter as reported now, so it never jumps
    loads.set(id, { since: t, start: this.busySeconds(server, cores, normal, t), utilisation });
  }

  /**
   * Ends fault `id`'s load at t: what the server gained stays in the counter, and the loads left
   * go on from the counter as it is now at their own utilisation.
   */
  end(server: string, id: string, cores: number, normal: number, t: number): void {
    const loads = this.active.get(server);
    if (!loads?.has(id)) return;
    const now = this.busySeconds(server, cores, normal, t);
    loads.delete(id);
    this.gained.set(server, now - normal);
    for (const [other, a] of loads) loads.set(other, { since: t, start: now, utilisation: a.utilisation });
    if (loads.size === 0) this.active.delete(server);
  }
}
