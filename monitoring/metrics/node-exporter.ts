/**
 * The node_exporter metric names the rules and the simulator share, so the same queries work on
 * the real fleet (node_exporter on every server) and on the simulated one.
 */
export const NODE_CPU_SECONDS = 'node_cpu_seconds_total';
export const NODE_MEMORY_TOTAL = 'node_memory_MemTotal_bytes';
export const NODE_MEMORY_AVAILABLE = 'node_memory_MemAvailable_bytes';
export const NODE_FILESYSTEM_SIZE = 'node_filesystem_size_bytes';
export const NODE_FILESYSTEM_AVAIL = 'node_filesystem_avail_bytes';
export const NODE_FILESYSTEM_READONLY = 'node_filesystem_readonly';
