/** node_exporter's CPU seconds by mode, from the simulated load (idle, user, system). */
import { Counter, type Registry } from 'prom-client';

export const NODE_CPU_SECONDS = 'node_cpu_seconds_total';

/** Registers the family; `busySeconds()` and `cores` give the server's totals at scrape time. */
export function createNodeCpuSeconds(
  registry: Registry,
  source: { cores: number; uptimeSeconds: () => number; busySeconds: () => number },
) {
  let busy = 0;
  let idle = 0;
  return new Counter({
    name: NODE_CPU_SECONDS,
    help: 'Seconds the CPUs spent in each mode.',
    labelNames: ['cpu', 'mode'],
    registers: [registry],
    collect() {
      // one "cpu" for the whole server: the pool rules sum over CPUs anyway. Each counter is
      // kept from going back by a rounding error (a CPU held fully busy leaves idle flat, and a
      // float a hair lower would read as a counter reset, a rate of the whole counter)
      busy = Math.max(busy, source.busySeconds());
      idle = Math.max(idle, source.cores * source.uptimeSeconds() - busy);
      this.reset();
      this.inc({ cpu: 'all', mode: 'user' }, busy * 0.8);
      this.inc({ cpu: 'all', mode: 'system' }, busy * 0.2);
      this.inc({ cpu: 'all', mode: 'idle' }, idle);
    },
  });
}
