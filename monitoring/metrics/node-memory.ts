/** node_exporter's memory totals (MemTotal, MemAvailable). */
import { Gauge, type Registry } from 'prom-client';

export const NODE_MEMORY_TOTAL = 'node_memory_MemTotal_bytes';
export const NODE_MEMORY_AVAILABLE = 'node_memory_MemAvailable_bytes';

export function createNodeMemory(
  registry: Registry,
  source: { totalBytes: number; usedBytes: () => number },
) {
  new Gauge({
    name: NODE_MEMORY_TOTAL,
    help: 'Memory information field MemTotal_bytes.',
    registers: [registry],
    collect() {
      this.set(source.totalBytes);
    },
  });
  new Gauge({
    name: NODE_MEMORY_AVAILABLE,
    help: 'Memory information field MemAvailable_bytes.',
    registers: [registry],
    collect() {
      this.set(Math.max(0, source.totalBytes - source.usedBytes()));
    },
  });
}
