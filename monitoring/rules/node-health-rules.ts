/**
 * Node health as node-mixin watches it (prometheus/node_exporter, docs/node-mixin at a7dcc3a,
 * v1.12.0-25, August 2026): every one of its 21 alerts, by its name, with its thresholds and `for`
 * windows (config.libsonnet), judged on each server's own series. Where citycloud knows more than
 * the mixin, it says so in the severity:
 * - a clock that drifts or does not synchronise is critical on the pools that hold a warehouse's
 *   quorum (Patroni's leader lease and ClickHouse Keeper's Raft both go by the clock);
 * - kubelet or containerd failed takes the node's pods with it: paged as ServerDown is, by the
 *   pool's criticality; any other unit is a warning.
 * Three expressions are written so that they read the same from node_exporter's one series per
 * CPU and from the simulator's one series for all of them: CPU use is busy over total seconds
 * (the mixin averages over CPUs), and the CPU count is the rate of all CPU seconds (the mixin
 * counts the `cpu` labels). Busy leaves out idle, iowait and steal, as the pool rules do.
 * The mixin gives conntrack, the textfile collector and a failed RAID member no `for`: so here.
 */
import type { CityModel, Criticality } from '../../model/index.ts';
import { NODE_CPU_SECONDS } from '../metrics/node-cpu.ts';
import {
  NODE_FILESYSTEM_AVAIL,
  NODE_FILESYSTEM_READONLY,
  NODE_FILESYSTEM_SIZE,
} from '../metrics/node-filesystem.ts';
import {
  NODE_BONDING_ACTIVE,
  NODE_BONDING_SLAVES,
  NODE_CONNTRACK_ENTRIES,
  NODE_CONNTRACK_LIMIT,
  NODE_DISK_IO_TIME_WEIGHTED,
  NODE_FILEFD_ALLOCATED,
  NODE_FILEFD_MAXIMUM,
  NODE_FILESYSTEM_FILES,
  NODE_FILESYSTEM_FILES_FREE,
  NODE_LOAD1,
  NODE_MD_DISKS,
  NODE_MD_DISKS_REQUIRED,
  NODE_NETWORK_RECEIVE_ERRS,
  NODE_NETWORK_RECEIVE_PACKETS,
  NODE_NETWORK_TRANSMIT_ERRS,
  NODE_NETWORK_TRANSMIT_PACKETS,
  NODE_SYSTEMD_RESTARTS,
  NODE_SYSTEMD_UNIT_STATE,
  NODE_TEXTFILE_SCRAPE_ERROR,
  NODE_TIMEX_MAXERROR,
  NODE_TIMEX_OFFSET,
  NODE_TIMEX_SYNC_STATUS,
  NODE_UNITS,
  NODE_VMSTAT_PGMAJFAULT,
} from '../metrics/node-health.ts';
import { NODE_MEMORY_AVAILABLE, NODE_MEMORY_TOTAL } from '../metrics/node-memory.ts';
import { type AlertInput, type AlertSpec, alertRule, type Severity, type TestSeries } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';
import { SEVERITY } from './server-rules.ts';

/**
 * The filesystems the disk alerts watch: node_exporter already leaves out /proc, /sys and the
 * like; memory-backed (tmpfs, ramfs), container layers (overlay) and images (squashfs) are left
 * out here, as node-mixin's selectors do.
 */
export const FS = 'job="node",fstype!~"tmpfs|ramfs|overlay|squashfs",mountpoint!=""';

/** node-mixin's config.libsonnet, as citycloud runs it. */
export const NODE_MIXIN = {
  fsSpaceFillingUpWarningThreshold: 40,
  fsSpaceFillingUpCriticalThreshold: 20,
  fsSpaceAvailableWarningThreshold: 5,
  fsSpaceAvailableCriticalThreshold: 3,
  nodeWarningWindowHours: 24,
  nodeCriticalWindowHours: 4,
  cpuHighUsageThreshold: 90,
  systemSaturationPerCoreThreshold: 2,
  memoryHighUtilizationThreshold: 90,
  memoryMajorPagesFaultsThreshold: 500,
  diskIOSaturationThreshold: 10,
} as const;

const NODE = 'job="node"';
const GIB = 1024 ** 3;
/** The one server every scenario's series belong to. */
const S = 'job="node",instance="s1",pool="p1"';
const FIRING = { job: 'node', instance: 's1', pool: 'p1' };

/** The pools holding a warehouse's replicas, whose quorum goes by the clock. */
function quorumPools(model: CityModel): string[] {
  return [...new Set(model.warehouses.map((w) => w.pool))].sort();
}

export function nodeHealthRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const alerts: AlertSpec[] = [];
  const add = (input: Omit<AlertInput, 'perTarget'>) =>
    alerts.push(alertRule({ ...input, perTarget: true }, base));

  filesystemAlerts(add);

  for (const dir of ['Receive', 'Transmit'] as const) {
    const [errs, packets] =
      dir === 'Receive'
        ? [NODE_NETWORK_RECEIVE_ERRS, NODE_NETWORK_RECEIVE_PACKETS]
        : [NODE_NETWORK_TRANSMIT_ERRS, NODE_NETWORK_TRANSMIT_PACKETS];
    const nic = `${S},device="bond0"`;
    add({
      alert: `NodeNetwork${dir}Errs`,
      expr: `rate(${errs}{${NODE}}[2m]) / rate(${packets}{${NODE}}[2m]) > 0.01`,
      for: '1h',
      severity: 'warning',
      summary: `Network interface is reporting many ${dir.toLowerCase()} errors.`,
      description: `{{ $labels.instance }} interface {{ $labels.device }} has had over 1% ${dir.toLowerCase()} errors for an hour.`,
      scenario: {
        // 100 packets a second, 2 of them errors, from the start
        series: [
          { series: `${packets}{${nic}}`, values: '0+6000x100' },
          { series: `${errs}{${nic}}`, values: '0+120x100' },
        ],
        activeFromMinute: 1,
        firingLabels: { ...FIRING, device: 'bond0' },
        slackMinutes: 1,
      },
    });
  }

  add({
    alert: 'NodeHighNumberConntrackEntriesUsed',
    expr: `(${NODE_CONNTRACK_ENTRIES}{${NODE}} / ${NODE_CONNTRACK_LIMIT}{${NODE}}) > 0.75`,
    for: '0m',
    severity: 'warning',
    summary: 'Number of conntrack are getting close to the limit.',
    description:
      '{{ $labels.instance }} uses over 75% of its conntrack entries; new connections will be dropped when it is full.',
    scenario: {
      series: [
        { series: `${NODE_CONNTRACK_ENTRIES}{${S}}`, values: '1000 1000 240000x10' },
        { series: `${NODE_CONNTRACK_LIMIT}{${S}}`, values: '262144x12' },
      ],
      activeFromMinute: 2,
      firingLabels: FIRING,
    },
  });

  add({
    alert: 'NodeTextFileCollectorScrapeError',
    expr: `${NODE_TEXTFILE_SCRAPE_ERROR}{${NODE}} == 1`,
    for: '0m',
    severity: 'warning',
    summary: 'Node Exporter text file collector failed to scrape.',
    description:
      'Node Exporter text file collector on {{ $labels.instance }} failed to scrape: the OS image version the upgrade gates read comes from it.',
    scenario: {
      series: [{ series: `${NODE_TEXTFILE_SCRAPE_ERROR}{${S}}`, values: '0 0 1x10' }],
      activeFromMinute: 2,
      firingLabels: FIRING,
    },
  });

  clockAlerts(model, add);

  add({
    alert: 'NodeRAIDDegraded',
    expr: `${NODE_MD_DISKS_REQUIRED}{${NODE},device!=""} - ignoring (state) (${NODE_MD_DISKS}{state="active",${NODE},device!=""}) > 0`,
    for: '15m',
    severity: 'critical',
    summary: 'RAID Array is degraded.',
    description:
      "RAID array '{{ $labels.device }}' at {{ $labels.instance }} is in degraded state due to one or more disks failures. Number of spare drives is insufficient to fix issue automatically.",
    scenario: {
      series: [
        { series: `${NODE_MD_DISKS_REQUIRED}{${S},device="md0"}`, values: '2x30' },
        { series: `${NODE_MD_DISKS}{${S},device="md0",state="active"}`, values: '2 2 1x30' },
      ],
      activeFromMinute: 2,
      firingLabels: { ...FIRING, device: 'md0' },
    },
  });
  add({
    alert: 'NodeRAIDDiskFailure',
    expr: `${NODE_MD_DISKS}{state="failed",${NODE},device!=""} > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'Failed device in RAID array.',
    description:
      "At least one device in RAID array at {{ $labels.instance }} failed. Array '{{ $labels.device }}' needs attention and possibly a disk swap.",
    scenario: {
      series: [{ series: `${NODE_MD_DISKS}{${S},device="md0",state="failed"}`, values: '0 0 1x10' }],
      activeFromMinute: 2,
      firingLabels: { ...FIRING, device: 'md0', state: 'failed' },
    },
  });

  for (const [threshold, severity] of [
    [70, 'warning'],
    [90, 'critical'],
  ] as const)
    add({
      alert: 'NodeFileDescriptorLimit',
      expr: `(${NODE_FILEFD_ALLOCATED}{${NODE}} * 100 / ${NODE_FILEFD_MAXIMUM}{${NODE}} > ${threshold})`,
      for: '15m',
      severity,
      summary: 'Kernel is predicted to exhaust file descriptors limit soon.',
      description: `File descriptors at {{ $labels.instance }} are over ${threshold}% of the kernel's limit.`,
      scenario: {
        series: [
          {
            series: `${NODE_FILEFD_ALLOCATED}{${S}}`,
            values: `10 10 ${severity === 'warning' ? 80 : 95}x30`,
          },
          { series: `${NODE_FILEFD_MAXIMUM}{${S}}`, values: '100x32' },
        ],
        activeFromMinute: 2,
        firingLabels: FIRING,
        ...(severity === 'critical' ? { alsoFiring: [{ severity: 'warning' }] } : {}),
      },
    });

  // busy over total CPU seconds, per server: one series per CPU or one for all of them alike
  const cpuRate = (modes: string) =>
    `sum without (mode, cpu) (rate(${NODE_CPU_SECONDS}{${NODE}${modes}}[2m]))`;
  add({
    alert: 'NodeCPUHighUsage',
    expr: `${cpuRate(',mode!~"idle|iowait|steal"')} / ${cpuRate('')} * 100 > ${NODE_MIXIN.cpuHighUsageThreshold}`,
    for: '15m',
    severity: 'info',
    summary: 'High CPU usage.',
    description: `CPU usage at {{ $labels.instance }} has been above ${NODE_MIXIN.cpuHighUsageThreshold}% for the last 15 minutes.`,
    scenario: {
      // one CPU, busy all the time
      series: [
        { series: `${NODE_CPU_SECONDS}{${S},cpu="0",mode="user"}`, values: '0+60x60' },
        { series: `${NODE_CPU_SECONDS}{${S},cpu="0",mode="idle"}`, values: '0x60' },
      ],
      activeFromMinute: 1,
      firingLabels: FIRING,
      slackMinutes: 1,
    },
  });
  add({
    alert: 'NodeSystemSaturation',
    expr: `${NODE_LOAD1}{${NODE}} / ${cpuRate('')} > ${NODE_MIXIN.systemSaturationPerCoreThreshold}`,
    for: '15m',
    severity: 'warning',
    summary: 'System saturated, load per core is very high.',
    description: `System load per core at {{ $labels.instance }} has been above ${NODE_MIXIN.systemSaturationPerCoreThreshold} for the last 15 minutes; it may stop answering.`,
    scenario: {
      // one CPU (60 CPU seconds a minute), load 3
      series: [
        { series: `${NODE_CPU_SECONDS}{${S},cpu="0",mode="user"}`, values: '0+30x60' },
        { series: `${NODE_CPU_SECONDS}{${S},cpu="0",mode="idle"}`, values: '0+30x60' },
        { series: `${NODE_LOAD1}{${S}}`, values: '3x60' },
      ],
      activeFromMinute: 1,
      firingLabels: FIRING,
      slackMinutes: 1,
    },
  });
  add({
    alert: 'NodeMemoryMajorPagesFaults',
    expr: `rate(${NODE_VMSTAT_PGMAJFAULT}{${NODE}}[5m]) > ${NODE_MIXIN.memoryMajorPagesFaultsThreshold}`,
    for: '15m',
    severity: 'warning',
    summary: 'Memory major page faults are occurring at very high rate.',
    description: `Memory major page faults at {{ $labels.instance }} have been over ${NODE_MIXIN.memoryMajorPagesFaultsThreshold} a second for the last 15 minutes: check that it has enough memory.`,
    scenario: {
      // 1,000 a second from the start: a 5-minute rate over 500 from minute 3, as it fills
      series: [{ series: `${NODE_VMSTAT_PGMAJFAULT}{${S}}`, values: '0+60000x60' }],
      activeFromMinute: 3,
      firingLabels: FIRING,
      slackMinutes: 1,
    },
  });
  add({
    alert: 'NodeMemoryHighUtilization',
    expr: `100 - (${NODE_MEMORY_AVAILABLE}{${NODE}} / ${NODE_MEMORY_TOTAL}{${NODE}} * 100) > ${NODE_MIXIN.memoryHighUtilizationThreshold}`,
    for: '15m',
    severity: 'warning',
    summary: 'Host is running out of memory.',
    description: `Memory at {{ $labels.instance }} has been over ${NODE_MIXIN.memoryHighUtilizationThreshold}% used for the last 15 minutes.`,
    scenario: {
      series: [
        { series: `${NODE_MEMORY_TOTAL}{${S}}`, values: `${64 * GIB}x30` },
        { series: `${NODE_MEMORY_AVAILABLE}{${S}}`, values: `${32 * GIB} ${32 * GIB} ${2 * GIB}x30` },
      ],
      activeFromMinute: 2,
      firingLabels: FIRING,
    },
  });
  add({
    alert: 'NodeDiskIOSaturation',
    expr: `rate(${NODE_DISK_IO_TIME_WEIGHTED}{${NODE},device!=""}[5m]) > ${NODE_MIXIN.diskIOSaturationThreshold}`,
    for: '30m',
    severity: 'warning',
    summary: 'Disk IO queue is high.',
    description: `Disk IO queue (aqu-sz) on {{ $labels.device }} at {{ $labels.instance }} has been above ${NODE_MIXIN.diskIOSaturationThreshold} for the last 30 minutes: the disk is saturated.`,
    scenario: {
      // a queue of 20 from the start: a 5-minute rate over 10 from minute 3, as it fills
      series: [{ series: `${NODE_DISK_IO_TIME_WEIGHTED}{${S},device="sda"}`, values: '0+1200x60' }],
      activeFromMinute: 3,
      firingLabels: { ...FIRING, device: 'sda' },
      slackMinutes: 1,
    },
  });

  unitAlerts(add);

  add({
    alert: 'NodeBondingDegraded',
    expr: `(${NODE_BONDING_SLAVES}{${NODE}} - ${NODE_BONDING_ACTIVE}{${NODE}}) != 0`,
    for: '5m',
    severity: 'warning',
    summary: 'Bonding interface is degraded.',
    description:
      'Bonding interface {{ $labels.master }} on {{ $labels.instance }} is in degraded state due to one or more slave failures.',
    scenario: {
      series: [
        { series: `${NODE_BONDING_SLAVES}{${S},master="bond0"}`, values: '2x20' },
        { series: `${NODE_BONDING_ACTIVE}{${S},master="bond0"}`, values: '2 2 1x20' },
      ],
      activeFromMinute: 2,
      firingLabels: { ...FIRING, master: 'bond0' },
    },
  });
  return { name: 'citycloud-node-health', recording: [], alerts };
}

type Add = (input: Omit<AlertInput, 'perTarget'>) => void;

/** Space and inodes, each in node-mixin's two tiers: filling up (by trend) and almost out. */
function filesystemAlerts(add: Add) {
  const M = NODE_MIXIN;
  const readonly = `${NODE_FILESYSTEM_READONLY}{${FS}} == 0`;
  const fsSeries = `${S},device="/dev/md0",fstype="ext4",mountpoint="/"`;
  const fsLabels = { ...FIRING, device: '/dev/md0', fstype: 'ext4', mountpoint: '/' };
  const ro: TestSeries = { series: `${NODE_FILESYSTEM_READONLY}{${fsSeries}}`, values: '0x200' };
  for (const what of ['Space', 'Files'] as const) {
    const [free, size] =
      what === 'Space'
        ? [NODE_FILESYSTEM_AVAIL, NODE_FILESYSTEM_SIZE]
        : [NODE_FILESYSTEM_FILES_FREE, NODE_FILESYSTEM_FILES];
    const noun = what === 'Space' ? 'space' : 'inodes';
    // the size and free series of a scenario: `total` units, `start` free, losing `perMinute`
    const series = (total: number, start: number, perMinute: number): TestSeries[] => [
      { series: `${size}{${fsSeries}}`, values: `${total}x200` },
      { series: `${free}{${fsSeries}}`, values: `${start}${perMinute === 0 ? '' : `-${perMinute}`}x200` },
      ro,
    ];
    const unit = what === 'Space' ? GIB : 1024;
    const share = `${free}{${FS}} / ${size}{${FS}} * 100`;
    const tiers = [
      {
        severity: 'warning',
        left: what === 'Space' ? M.fsSpaceFillingUpWarningThreshold : 40,
        hours: M.nodeWarningWindowHours,
      },
      {
        severity: 'critical',
        left: what === 'Space' ? M.fsSpaceFillingUpCriticalThreshold : 20,
        hours: M.nodeCriticalWindowHours,
      },
    ] as const;
    for (const tier of tiers)
      add({
        alert: `NodeFilesystem${what}FillingUp`,
        expr: `(${share} < ${tier.left} and predict_linear(${free}{${FS}}[6h], ${tier.hours} * 3600) < 0 and ${readonly})`,
        for: '1h',
        severity: tier.severity,
        summary: `Filesystem is predicted to run out of ${noun} within the next ${tier.hours} hours.`,
        description: `Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has under ${tier.left}% of its ${noun} left and will run out within ${tier.hours} hours at its current rate${tier.severity === 'critical' ? ' (filling up fast)' : ''}.`,
        scenario:
          tier.severity === 'warning'
            ? // 100 units, 30 free, losing 1/32 a minute: out in 16 hours, not 4
              {
                series: series(100 * unit, 30 * unit, unit / 32),
                activeFromMinute: 1,
                firingLabels: fsLabels,
              }
            : // 19 free, losing 1/8 a minute: out in 2.5 hours (the warning tier fires too)
              {
                series: series(100 * unit, 19 * unit, unit / 8),
                activeFromMinute: 1,
                firingLabels: fsLabels,
                alsoFiring: [{ severity: 'warning' }],
              },
      });
    const almost =
      what === 'Space'
        ? [
            { severity: 'warning', left: M.fsSpaceAvailableWarningThreshold, for: '30m' },
            { severity: 'critical', left: M.fsSpaceAvailableCriticalThreshold, for: '30m' },
          ]
        : [
            { severity: 'warning', left: 5, for: '1h' },
            { severity: 'critical', left: 3, for: '1h' },
          ];
    for (const tier of almost)
      add({
        alert: `NodeFilesystemAlmostOutOf${what}`,
        expr: `(${share} < ${tier.left} and ${readonly})`,
        for: tier.for,
        severity: tier.severity as Severity,
        summary: `Filesystem has less than ${tier.left}% ${noun} left.`,
        description: `Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has under ${tier.left}% of its ${noun} left, trend or not.`,
        scenario: {
          // a full filesystem that stopped growing: no trend, still out of room
          series: [
            { series: `${size}{${fsSeries}}`, values: `${100 * unit}x200` },
            {
              series: `${free}{${fsSeries}}`,
              values: `${50 * unit} ${50 * unit} ${(tier.severity === 'warning' ? 4 : 2) * unit}x200`,
            },
            ro,
          ],
          activeFromMinute: 2,
          firingLabels: fsLabels,
          ...(tier.severity === 'critical' ? { alsoFiring: [{ severity: 'warning' }] } : {}),
        },
      });
  }
}

/** Clock skew and NTP: critical on the pools that hold a quorum, a warning elsewhere. */
function clockAlerts(model: CityModel, add: Add) {
  const quorum = quorumPools(model);
  const scopes: { match: string; severity: Severity; pool: string }[] =
    quorum.length === 0
      ? [{ match: '', severity: 'warning', pool: 'p1' }]
      : [
          { match: `,pool=~"${quorum.join('|')}"`, severity: 'critical', pool: quorum[0] as string },
          // a pool name no inventory id can take (ids have no underscore)
          { match: `,pool!~"${quorum.join('|')}"`, severity: 'warning', pool: 'other_pool' },
        ];
  for (const scope of scopes) {
    const sel = `${NODE}${scope.match}`;
    const on = `job="node",instance="s1",pool="${scope.pool}"`;
    const firing = { ...FIRING, pool: scope.pool };
    const why =
      scope.severity === 'critical'
        ? ' Pool {{ $labels.pool }} holds a warehouse quorum (Patroni leases, Keeper Raft), which a wrong clock breaks.'
        : '';
    add({
      alert: 'NodeClockSkewDetected',
      expr: `(${NODE_TIMEX_OFFSET}{${sel}} > 0.05 and deriv(${NODE_TIMEX_OFFSET}{${sel}}[5m]) >= 0) or (${NODE_TIMEX_OFFSET}{${sel}} < -0.05 and deriv(${NODE_TIMEX_OFFSET}{${sel}}[5m]) <= 0)`,
      for: '10m',
      severity: scope.severity,
      summary: 'Clock skew detected.',
      description: `Clock at {{ $labels.instance }} is out of sync by more than 0.05s. Ensure NTP is configured correctly on this host.${why}`,
      scenario: {
        series: [{ series: `${NODE_TIMEX_OFFSET}{${on}}`, values: '0 0.2x40' }],
        activeFromMinute: 1,
        firingLabels: firing,
      },
    });
    add({
      alert: 'NodeClockNotSynchronising',
      expr: `min_over_time(${NODE_TIMEX_SYNC_STATUS}{${sel}}[5m]) == 0 and ${NODE_TIMEX_MAXERROR}{${sel}} >= 16`,
      for: '10m',
      severity: scope.severity,
      summary: 'Clock not synchronising.',
      description: `Clock at {{ $labels.instance }} is not synchronising. Ensure NTP is configured on this host.${why}`,
      scenario: {
        series: [
          { series: `${NODE_TIMEX_SYNC_STATUS}{${on}}`, values: '1 1 0x40' },
          { series: `${NODE_TIMEX_MAXERROR}{${on}}`, values: '0.01 0.01 16x40' },
        ],
        activeFromMinute: 2,
        firingLabels: firing,
      },
    });
  }
}

/** Failed and crash-looping systemd units; kubelet and containerd failed page as ServerDown does. */
function unitAlerts(add: Add) {
  const kube = NODE_UNITS.join('|');
  // a unit that fails at minute 2
  const failed = (unit: string, criticality?: Criticality) => {
    const labels = { ...(criticality ? { criticality } : {}), name: unit, state: 'failed', type: 'simple' };
    const text = Object.entries(labels)
      .map(([k, v]) => `,${k}="${v}"`)
      .join('');
    return {
      series: [{ series: `${NODE_SYSTEMD_UNIT_STATE}{${S}${text}}`, values: '0 0 1x20' }],
      activeFromMinute: 2,
      firingLabels: { ...FIRING, ...labels },
    };
  };
  const description =
    'Systemd service {{ $labels.name }} has entered failed state at {{ $labels.instance }}.';
  for (const criticality of ['critical', 'high', 'normal'] as const)
    add({
      alert: 'NodeSystemdServiceFailed',
      expr: `${NODE_SYSTEMD_UNIT_STATE}{${NODE},state="failed",name=~"${kube}",criticality="${criticality}"} == 1`,
      for: '5m',
      severity: SEVERITY[criticality],
      // the node's runtime, told apart from the other units' rule of the same severity
      labels: { component: 'node-runtime' },
      summary: `The kubelet or containerd of a server of a ${criticality} pool has failed: its pods cannot run there.`,
      description: `${description} Its pods cannot run there until it is back (pool {{ $labels.pool }}).`,
      scenario: failed('kubelet.service', criticality),
    });
  add({
    alert: 'NodeSystemdServiceFailed',
    expr: `${NODE_SYSTEMD_UNIT_STATE}{${NODE},state="failed",name!~"${kube}"} == 1`,
    for: '5m',
    severity: 'warning',
    summary: 'Systemd service has entered failed state.',
    description,
    scenario: failed('chrony.service'),
  });
  add({
    alert: 'NodeSystemdServiceCrashlooping',
    expr: `increase(${NODE_SYSTEMD_RESTARTS}{${NODE}}[5m]) > 2`,
    for: '15m',
    severity: 'warning',
    summary: 'Systemd service keeps restarting, possibly crash looping.',
    description:
      'Systemd service {{ $labels.name }} has been restarted too many times at {{ $labels.instance }} for the last 15 minutes. Please check if service is crash looping.',
    scenario: {
      // a restart a minute: over 2 in any 5 minutes from minute 3
      series: [{ series: `${NODE_SYSTEMD_RESTARTS}{${S},name="kubelet.service"}`, values: '0+1x60' }],
      activeFromMinute: 3,
      firingLabels: { ...FIRING, name: 'kubelet.service' },
      slackMinutes: 1,
    },
  });
}
