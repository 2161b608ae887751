/**
 * What a `pool-load` fault does to a server's busy CPU seconds: from the fault's start the server
 * runs at least the fault's utilisation, and when the fault ends it goes back to its normal rate
 * from where its counter got to. The counter is max(normal, loaded), so it never goes down, never
 * jumps, and never runs faster than the cores (idle stays a counter too).
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
  private readonly active = new Map<string, Loaded>();

  /** The busy seconds to report at t, given the server's normal counter then. */
  busySeconds(server: string, cores: number, normal: number, t: number): number {
    return normal + (this.gained.get(server) ?? 0) + this.extra(server, cores, normal, t);
  }

  private extra(server: string, cores: number, normal: number, t: number): number {
    const a = this.active.get(server);
    if (!a) return 0;
    return Math.max(0, a.start + a.utilisation * cores * (t - a.since) - normal);
  }

  /** Holds the server at `utilisation` from t (its normal counter then given). */
  start(server: string, cores: number, utilisation: number, normal: number, t: number): void {
    // a second fault on the server takes over from the first, keeping what the first added
    this.end(server, cores, normal, t);
    this.active.set(server, { since: t, start: normal, utilisation });
  }

  /** Ends the server's load at t: what it gained stays in the counter. */
  end(server: string, cores: number, normal: number, t: number): void {
    this.gained.set(server, (this.gained.get(server) ?? 0) + this.extra(server, cores, normal, t));
    this.active.delete(server);
  }
}
