/**
 * What the upgrade changes and how a reboot is known: node_exporter's `node_boot_time_seconds`,
 * and `citycloud_node_version{version}`, 1 for the OS image version the server runs. On the real
 * fleet the upgrade writes the latter for node_exporter's textfile collector
 * (`/var/lib/prometheus/node-exporter/citycloud.prom`), so gates read both the same way.
 */
import { Gauge, type Registry } from 'prom-client';

export const NODE_BOOT_TIME = 'node_boot_time_seconds';
export const NODE_VERSION = 'citycloud_node_version';

export function createNodeVersion(
  registry: Registry,
  source: { version: () => string; bootTime: () => number },
) {
  new Gauge({
    name: NODE_BOOT_TIME,
    help: 'Node boot time, in unixtime.',
    registers: [registry],
    collect() {
      this.set(source.bootTime());
    },
  });
  new Gauge({
    name: NODE_VERSION,
    help: 'The OS image version the server runs (1 for the running version).',
    labelNames: ['version'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ version: source.version() }, 1);
    },
  });
}
