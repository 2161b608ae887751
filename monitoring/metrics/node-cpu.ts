/** node_exporter's CPU seconds by mode, from the simulated load (idle, user, system). */
import { Counter, type Registry } from 'prom-client';

export const NODE_CPU_SECONDS = 'node_cpu_seconds_total';

/** Registers the family; `busySeconds()` and `cores` give the server's totals at scrape time. */
export function createNodeCpuSeconds(
  registry: Registry,
  source: { cores: number; uptimeSeconds: () => number; busySeconds: () => number },
) {
  return new Counter({
    name: NODE_CPU_SECONDS,
    help: 'Seconds the CPUs spent in each mode.',
    labelNames: ['cpu', 'mode'],
    registers: [registry],
    collect() {
      // one "cpu" for the whole server: the pool rules sum over CPUs anyway
      const busy = source.busySeconds();
      this.reset();
      this.inc({ cpu: 'all', mode: 'user' }, busy * 0.8);
      this.inc({ cpu: 'all', mode: 'system' }, busy * 0.2);
      this.inc({ cpu: 'all', mode: 'idle' }, Math.max(0, source.cores * source.uptimeSeconds() - busy));
    },
  });
}
