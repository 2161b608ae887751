/**
 * node_exporter's health families that node-mixin's alerts read, by their real names and labels
 * (node_exporter 1.12): inodes, NIC packets and errors, bonding, conntrack, the textfile
 * collector, the kernel clock (timex), software RAID (md), file descriptors, load, major page
 * faults, disk IO time and systemd units. One reading per scrape, from the simulator.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { ROOT_FILESYSTEM } from './node-filesystem.ts';

export const NODE_FILESYSTEM_FILES = 'node_filesystem_files';
export const NODE_FILESYSTEM_FILES_FREE = 'node_filesystem_files_free';
export const NODE_NETWORK_RECEIVE_PACKETS = 'node_network_receive_packets_total';
export const NODE_NETWORK_TRANSMIT_PACKETS = 'node_network_transmit_packets_total';
export const NODE_NETWORK_RECEIVE_ERRS = 'node_network_receive_errs_total';
export const NODE_NETWORK_TRANSMIT_ERRS = 'node_network_transmit_errs_total';
export const NODE_BONDING_SLAVES = 'node_bonding_slaves';
export const NODE_BONDING_ACTIVE = 'node_bonding_active';
export const NODE_CONNTRACK_ENTRIES = 'node_nf_conntrack_entries';
export const NODE_CONNTRACK_LIMIT = 'node_nf_conntrack_entries_limit';
export const NODE_TEXTFILE_SCRAPE_ERROR = 'node_textfile_scrape_error';
export const NODE_TIMEX_OFFSET = 'node_timex_offset_seconds';
export const NODE_TIMEX_SYNC_STATUS = 'node_timex_sync_status';
export const NODE_TIMEX_MAXERROR = 'node_timex_maxerror_seconds';
export const NODE_MD_DISKS_REQUIRED = 'node_md_disks_required';
export const NODE_MD_DISKS = 'node_md_disks';
export const NODE_FILEFD_ALLOCATED = 'node_filefd_allocated';
export const NODE_FILEFD_MAXIMUM = 'node_filefd_maximum';
export const NODE_LOAD1 = 'node_load1';
export const NODE_VMSTAT_PGMAJFAULT = 'node_vmstat_pgmajfault';
export const NODE_DISK_IO_TIME_WEIGHTED = 'node_disk_io_time_weighted_seconds_total';
export const NODE_SYSTEMD_UNIT_STATE = 'node_systemd_unit_state';
export const NODE_SYSTEMD_RESTARTS = 'node_systemd_service_restart_total';

/** The bond of two NICs, the RAID 1 array and the data disk every simulated server has. */
export const BOND = 'bond0';
export const RAID_ARRAY = 'md0';
export const DATA_DISK = 'sda';
/** The systemd units node-mixin's unit alerts matter most for on a Kubernetes node. */
export const NODE_UNITS = ['kubelet.service', 'containerd.service'] as const;

export interface NodeHealthReading {
  readonly files: number;
  readonly filesFree: number;
  /** Counters since boot. */
  readonly receivePackets: number;
  readonly transmitPackets: number;
  readonly receiveErrs: number;
  readonly transmitErrs: number;
  readonly bondSlaves: number;
  readonly bondActive: number;
  readonly conntrackEntries: number;
  readonly conntrackLimit: number;
  readonly textfileError: boolean;
  readonly clockOffsetSeconds: number;
  readonly clockSynchronised: boolean;
  readonly clockMaxErrorSeconds: number;
  readonly raidRequired: number;
  readonly raidActive: number;
  readonly raidFailed: number;
  readonly filefdAllocated: number;
  readonly filefdMaximum: number;
  readonly load1: number;
  /** Counters since boot. */
  readonly majorPageFaults: number;
  readonly diskIoWeightedSeconds: number;
  /** Per unit of NODE_UNITS: failed or active, and its restarts since boot. */
  readonly units: readonly { readonly name: string; readonly failed: boolean; readonly restarts: number }[];
}

type Read = () => NodeHealthReading;

function gauge(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  set: (g: Gauge) => void,
) {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      set(this);
    },
  });
}

function counter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  set: (c: Counter) => void,
) {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      set(this);
    },
  });
}

/** Registers the families; each scrape takes one reading and sets every series from it. */
export function createNodeHealth(registry: Registry, read: Read) {
  // one reading per scrape, shared by the families: prom-client collects them in the order they
  // were registered, so the first one takes it
  let reading: NodeHealthReading | null = null;
  const now = (): NodeHealthReading => {
    reading ??= read();
    return reading;
  };
  const fs = ['device', 'fstype', 'mountpoint'];
  gauge(registry, NODE_FILESYSTEM_FILES, 'Filesystem total file nodes.', fs, (g) => {
    reading = read();
    g.set(ROOT_FILESYSTEM, reading.files);
  });
  gauge(registry, NODE_FILESYSTEM_FILES_FREE, 'Filesystem total free file nodes.', fs, (g) =>
    g.set(ROOT_FILESYSTEM, Math.max(0, now().filesFree)),
  );
  const nic = ['device'];
  const on = { device: BOND };
  counter(registry, NODE_NETWORK_RECEIVE_PACKETS, 'Network device statistic receive_packets.', nic, (c) =>
    c.inc(on, now().receivePackets),
  );
  counter(registry, NODE_NETWORK_TRANSMIT_PACKETS, 'Network device statistic transmit_packets.', nic, (c) =>
    c.inc(on, now().transmitPackets),
  );
  counter(registry, NODE_NETWORK_RECEIVE_ERRS, 'Network device statistic receive_errs.', nic, (c) =>
    c.inc(on, now().receiveErrs),
  );
  counter(registry, NODE_NETWORK_TRANSMIT_ERRS, 'Network device statistic transmit_errs.', nic, (c) =>
    c.inc(on, now().transmitErrs),
  );
  gauge(
    registry,
    NODE_BONDING_SLAVES,
    'Number of configured slaves per bonding interface.',
    ['master'],
    (g) => g.set({ master: BOND }, now().bondSlaves),
  );
  gauge(registry, NODE_BONDING_ACTIVE, 'Number of active slaves per bonding interface.', ['master'], (g) =>
    g.set({ master: BOND }, now().bondActive),
  );
  gauge(
    registry,
    NODE_CONNTRACK_ENTRIES,
    'Number of currently allocated flow entries for connection tracking.',
    [],
    (g) => g.set(now().conntrackEntries),
  );
  gauge(registry, NODE_CONNTRACK_LIMIT, 'Maximum size of connection tracking table.', [], (g) =>
    g.set(now().conntrackLimit),
  );
  gauge(
    registry,
    NODE_TEXTFILE_SCRAPE_ERROR,
    '1 if there was an error opening or reading a file, 0 otherwise',
    [],
    (g) => g.set(now().textfileError ? 1 : 0),
  );
  gauge(registry, NODE_TIMEX_OFFSET, 'Time offset in between local system and reference clock.', [], (g) =>
    g.set(now().clockOffsetSeconds),
  );
  gauge(
    registry,
    NODE_TIMEX_SYNC_STATUS,
    'Is clock synchronized to a reliable server (1 = yes, 0 = no).',
    [],
    (g) => g.set(now().clockSynchronised ? 1 : 0),
  );
  gauge(registry, NODE_TIMEX_MAXERROR, 'Maximum error in seconds.', [], (g) =>
    g.set(now().clockMaxErrorSeconds),
  );
  gauge(registry, NODE_MD_DISKS_REQUIRED, 'Total number of disks of device.', ['device'], (g) =>
    g.set({ device: RAID_ARRAY }, now().raidRequired),
  );
  gauge(
    registry,
    NODE_MD_DISKS,
    'Number of active/failed/spare disks of device.',
    ['device', 'state'],
    (g) => {
      const r = now();
      g.set({ device: RAID_ARRAY, state: 'active' }, r.raidActive);
      g.set({ device: RAID_ARRAY, state: 'failed' }, r.raidFailed);
      g.set({ device: RAID_ARRAY, state: 'spare' }, 0);
    },
  );
  gauge(registry, NODE_FILEFD_ALLOCATED, 'File descriptor statistics: allocated.', [], (g) =>
    g.set(now().filefdAllocated),
  );
  gauge(registry, NODE_FILEFD_MAXIMUM, 'File descriptor statistics: maximum.', [], (g) =>
    g.set(now().filefdMaximum),
  );
  gauge(registry, NODE_LOAD1, '1m load average.', [], (g) => g.set(now().load1));
  // node_exporter exposes /proc/vmstat's counters untyped, without _total
  gauge(registry, NODE_VMSTAT_PGMAJFAULT, '/proc/vmstat information field pgmajfault.', [], (g) =>
    g.set(now().majorPageFaults),
  );
  counter(
    registry,
    NODE_DISK_IO_TIME_WEIGHTED,
    'The weighted # of seconds spent doing I/Os.',
    ['device'],
    (c) => c.inc({ device: DATA_DISK }, now().diskIoWeightedSeconds),
  );
  gauge(registry, NODE_SYSTEMD_UNIT_STATE, 'Systemd unit', ['name', 'state', 'type'], (g) => {
    for (const u of now().units) {
      g.set({ name: u.name, state: 'active', type: 'simple' }, u.failed ? 0 : 1);
      g.set({ name: u.name, state: 'failed', type: 'simple' }, u.failed ? 1 : 0);
    }
  });
  counter(registry, NODE_SYSTEMD_RESTARTS, 'Service unit count of Restart triggers', ['name'], (c) => {
    for (const u of now().units) c.inc({ name: u.name }, u.restarts);
  });
}
