/** node_exporter's filesystem size, free space and read-only flag, for the root filesystem. */
import { Gauge, type Registry } from 'prom-client';

export const NODE_FILESYSTEM_SIZE = 'node_filesystem_size_bytes';
export const NODE_FILESYSTEM_AVAIL = 'node_filesystem_avail_bytes';
export const NODE_FILESYSTEM_READONLY = 'node_filesystem_readonly';

/** The root filesystem every simulated server has, on its RAID 1 array. */
export const ROOT_FILESYSTEM = { device: '/dev/md0', fstype: 'ext4', mountpoint: '/' } as const;

export function createNodeFilesystem(
  registry: Registry,
  source: { sizeBytes: number; freeBytes: () => number },
) {
  const labelNames = ['device', 'fstype', 'mountpoint'];
  new Gauge({
    name: NODE_FILESYSTEM_SIZE,
    help: 'Filesystem size in bytes.',
    labelNames,
    registers: [registry],
    collect() {
      this.set(ROOT_FILESYSTEM, source.sizeBytes);
    },
  });
  new Gauge({
    name: NODE_FILESYSTEM_AVAIL,
    help: 'Filesystem space available to non-root users in bytes.',
    labelNames,
    registers: [registry],
    collect() {
      this.set(ROOT_FILESYSTEM, Math.max(0, source.freeBytes()));
    },
  });
  new Gauge({
    name: NODE_FILESYSTEM_READONLY,
    help: 'Filesystem read-only status.',
    labelNames,
    registers: [registry],
    collect() {
      this.set(ROOT_FILESYSTEM, 0);
    },
  });
}
