/**
 * Counters that follow a rate which changes when a fault starts or ends: each reading adds the
 * rate now times the time since the last reading, so a counter never goes back and its rate is
 * the new one from then on. The first reading of a counter starts it at its rate times `since(t)`
 * (how long it has been counting), as a long-running exporter's counters do.
 */
export class RateIntegrator {
  private readonly counters = new Map<string, { value: number; at: number }>();

  constructor(private readonly since: (t: number) => number) {}

  /** Counter `key` at t, counting `perSecond` since its last reading. */
  at(key: string, perSecond: number, t: number): number {
    const known = this.counters.get(key);
    const next = known
      ? { value: known.value + perSecond * Math.max(0, t - known.at), at: Math.max(t, known.at) }
      : { value: perSecond * this.since(t), at: t };
    this.counters.set(key, next);
    return next.value;
  }
}
