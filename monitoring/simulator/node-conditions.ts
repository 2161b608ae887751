/**
 * A simulated server's health as node_exporter reports it, and what each node-condition fault
 * does to it: the reading node-mixin's alerts are judged on. Healthy servers read as a real
 * healthy server does (clock synchronised within a millisecond, both bond members up, the RAID 1
 * array whole, a few hundred major page faults a minute); a fault changes only what it is about.
 *
 * Counters are integrated from their rates between scrapes, so a fault that starts or ends changes
 * a counter's rate from then on and the counter never goes back. A rate that a rule compares with
 * a threshold per second (errors, page faults, IO time) is real seconds; a count in a window
 * (restarts) plays out `timeScale` times faster, as the rules' windows are that much shorter.
 */
import { NODE_UNITS, type NodeHealthReading } from '../metrics/node-health.ts';
import type { Fault, NodeConditionKind } from './faults.ts';
import { jitter } from './load-model.ts';
import { RateIntegrator } from './rate-integrator.ts';

/** How fast a filling fault (inodes, a claimed volume) fills what it fills: all of it in two hours. */
export const FILL_SECONDS = 2 * 3600;
/** Inodes per byte of disk an ext4 filesystem makes by default (one per 16 KiB). */
export const BYTES_PER_INODE = 16 * 1024;

/** The share of the conntrack table, of file descriptors, and the errors per packet under a fault. */
export const CONDITION_LEVELS = {
  conntrackShare: 0.9,
  fdShare: 0.95,
  nicErrorRatio: 0.05,
  clockOffsetSeconds: 0.2,
  majorFaultsPerSecond: 1500,
  diskQueue: 25,
  loadPerCore: 3,
  memoryShare: 0.95,
  /** A crash-looping unit restarts once a minute (on the fault's clock). */
  restartsPerSecond: 1 / 60,
} as const;

export interface ServerShape {
  readonly cores: number;
  readonly diskBytes: number;
}

/** Which faults a server has now, by kind. */
export type ActiveConditions = ReadonlyMap<NodeConditionKind, readonly Fault[]>;

export class NodeConditions {
  private readonly counters: RateIntegrator;

  constructor(
    /** Seconds since the servers booted, at t (the counters' start). */
    uptime: (t: number) => number,
    private readonly timeScale = 1,
  ) {
    this.counters = new RateIntegrator(uptime);
  }

  /** The counter `key` of `server` advanced to t at `perSecond` since the last reading. */
  private integrate(server: string, key: string, perSecond: number, t: number): number {
    return this.counters.at(`${server}\u0000${key}`, perSecond, t);
  }

  reading(server: string, shape: ServerShape, active: ActiveConditions, t: number): NodeHealthReading {
    const j = jitter(server);
    const L = CONDITION_LEVELS;
    const files = Math.round(shape.diskBytes / BYTES_PER_INODE);
    const healthyFree = Math.round(files * (0.9 - 0.2 * j));
    const inodes = active.get('inodes-filling')?.[0];
    const fill = inodes?.fillSeconds ?? FILL_SECONDS / this.timeScale;
    const filesFree = inodes
      ? Math.round(healthyFree * (1 - Math.min(1, (t - inodes.since) / fill)))
      : healthyFree;
    const packetsPerSecond = 2000 + 8000 * j;
    const errRatio = active.has('nic-errors') ? L.nicErrorRatio : 0;
    const conntrackLimit = 262_144;
    const fdMaximum = 6_553_600;
    const unitFault = (kind: 'unit-failed' | 'unit-crashloop', unit: string) =>
      (active.get(kind) ?? []).some((f) => (f.unit ?? NODE_UNITS[0]) === unit);
    return {
      files,
      filesFree,
      receivePackets: this.integrate(server, 'rx', packetsPerSecond, t),
      transmitPackets: this.integrate(server, 'tx', packetsPerSecond * 0.8, t),
      receiveErrs: this.integrate(server, 'rx-errs', packetsPerSecond * errRatio, t),
      transmitErrs: this.integrate(server, 'tx-errs', packetsPerSecond * 0.8 * errRatio, t),
      bondSlaves: 2,
      bondActive: active.has('bond-degraded') ? 1 : 2,
      conntrackLimit,
      conntrackEntries: Math.round(
        conntrackLimit * (active.has('conntrack-full') ? L.conntrackShare : 0.05 + 0.1 * j),
      ),
      textfileError: active.has('textfile-error'),
      clockOffsetSeconds: active.has('clock-skew') ? L.clockOffsetSeconds : 0.0004 * (j - 0.5),
      clockSynchronised: !active.has('clock-unsynced'),
      clockMaxErrorSeconds: active.has('clock-unsynced') ? 16 : 0.01,
      raidRequired: 2,
      raidActive: active.has('raid-degraded') ? 1 : 2,
      raidFailed: active.has('raid-degraded') ? 1 : 0,
      filefdMaximum: fdMaximum,
      filefdAllocated: Math.round(fdMaximum * (active.has('fd-exhausted') ? L.fdShare : 0.01 + 0.02 * j)),
      load1: shape.cores * (active.has('cpu-saturated') ? L.loadPerCore : 0.2 + 0.3 * j),
      majorPageFaults: this.integrate(
        server,
        'pgmajfault',
        active.has('memory-pressure') ? L.majorFaultsPerSecond : 2 + 5 * j,
        t,
      ),
      diskIoWeightedSeconds: this.integrate(
        server,
        'io',
        active.has('disk-saturated') ? L.diskQueue : 0.2 + 0.5 * j,
        t,
      ),
      units: NODE_UNITS.map((name) => ({
        name,
        failed: unitFault('unit-failed', name),
        restarts: this.integrate(
          server,
          `restarts ${name}`,
          unitFault('unit-crashloop', name) ? L.restartsPerSecond * this.timeScale : 0,
          t,
        ),
      })),
    };
  }
}
