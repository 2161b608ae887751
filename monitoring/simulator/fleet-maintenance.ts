/**
 * What maintenance does to the simulated fleet, as kubectl and ssh would do it to the real one:
 * cordon, drain (the server's load moves to the rest of its pool), upgrade (installs an OS image
 * version), reboot (down for a while, back with a new boot id, running what is installed),
 * uncordon. Every action is idempotent, as on the real fleet: cordoning a cordoned server or
 * installing the version already installed changes nothing.
 *
 * The simulator keeps its own record, for tests to count at the fleet rather than in a journal:
 * how many upgrade and reboot requests each server received (a second install of the installed
 * version changes nothing, and is still counted), and, per pool, the most servers and racks that were
 * unavailable (cordoned or rebooting) at the same time.
 */
import { randomUUID } from 'node:crypto';
import type { CityModel } from '../../model/index.ts';
import { busySecondsAt, GROWTH_EPOCH, jitter, type ServerLoad } from './load-model.ts';

/** The OS image version every simulated server runs until it is upgraded. */
export const INITIAL_VERSION = '2026.06';
/** How long a reboot keeps a server down, seconds (divided by the time scale). */
export const REBOOT_SECONDS = 60;

export interface ServerState {
  readonly server: string;
  readonly pool: string;
  readonly rack: string;
  /** The version it runs, and the one installed (they differ until the next reboot). */
  readonly version: string;
  readonly installed: string;
  readonly bootId: string;
  readonly bootTime: number;
  readonly cordoned: boolean;
  readonly drained: boolean;
  /** Tainted out of service (node.kubernetes.io/out-of-service): its pods were moved off. */
  readonly fenced: boolean;
  readonly up: boolean;
}

export interface MaintenanceRecord {
  /** Upgrade requests each server received (only servers with one or more). */
  readonly upgrades: Readonly<Record<string, number>>;
  readonly reboots: Readonly<Record<string, number>>;
  /** Cordon requests each server received: a server taken out of service, even for nothing. */
  readonly cordons: Readonly<Record<string, number>>;
  /** Drain, fence, unfence and uncordon requests each server received (a no-op one too). */
  readonly drains: Readonly<Record<string, number>>;
  readonly fences: Readonly<Record<string, number>>;
  readonly unfences: Readonly<Record<string, number>>;
  readonly uncordons: Readonly<Record<string, number>>;
  /** Per pool: the most of its servers, and of its racks, unavailable at the same time. */
  readonly pools: Readonly<Record<string, { readonly maxOut: number; readonly maxRacksOut: number }>>;
  /** Servers unavailable now. */
  readonly unavailable: readonly string[];
}

const ACTIONS = ['cordon', 'drain', 'fence', 'unfence', 'upgrade', 'reboot', 'uncordon'] as const;
export type MaintenanceAction = (typeof ACTIONS)[number];
export const isMaintenanceAction = (a: string): a is MaintenanceAction =>
  (ACTIONS as readonly string[]).includes(a);

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;

interface Mutable {
  version: string;
  installed: string;
  bootId: string;
  bootTime: number;
  /** Until when a reboot keeps it down (unix seconds); 0 when it is not rebooting. */
  downUntil: number;
  cordoned: boolean;
  drained: boolean;
  fenced: boolean;
  /** Busy-seconds bookkeeping: busy = base(t) + extra + (factor − 1)(base(t) − base(since)). */
  extra: number;
  since: number;
  factor: number;
}

export class FleetMaintenance {
  private readonly state = new Map<string, Mutable>();
  private readonly poolOf = new Map<string, { pool: string; rack: string }>();
  private readonly members = new Map<string, string[]>();
  private readonly upgrades = new Map<string, number>();
  private readonly cordons = new Map<string, number>();
  private readonly reboots = new Map<string, number>();
  private readonly requests = {
    drain: new Map<string, number>(),
    fence: new Map<string, number>(),
    unfence: new Map<string, number>(),
    uncordon: new Map<string, number>(),
  };
  private readonly maxOut = new Map<string, { maxOut: number; maxRacksOut: number }>();

  constructor(
    model: CityModel,
    private readonly loads: ReadonlyMap<string, ServerLoad>,
    private readonly now: () => number,
    private readonly timeScale = 1,
    /** Whether a fault keeps the server from answering (it then takes no action and is not up). */
    private readonly faulted: (server: string) => boolean = () => false,
  ) {
    for (const s of model.servers) {
      this.poolOf.set(s.name, { pool: s.pool, rack: s.rack });
      const list = this.members.get(s.pool) ?? [];
      list.push(s.name);
      this.members.set(s.pool, list);
    }
    for (const p of model.pools) this.maxOut.set(p.id, { maxOut: 0, maxRacksOut: 0 });
  }

  has(server: string): boolean {
    return this.poolOf.has(server);
  }

  private of(server: string): Mutable {
    let s = this.state.get(server);
    if (!s) {
      s = {
        version: INITIAL_VERSION,
        installed: INITIAL_VERSION,
        // a stable first boot id and time per server, as if booted some days before the epoch
        bootId: `00000000-0000-4000-8000-${Math.floor(jitter(server) * 2 ** 48)
          .toString(16)
          .padStart(12, '0')}`,
        bootTime: GROWTH_EPOCH - Math.floor(jitter(`${server}/boot`) * 30 * 86_400),
        downUntil: 0,
        cordoned: false,
        drained: false,
        fenced: false,
        extra: 0,
        since: this.now(),
        factor: 1,
      };
      this.state.set(server, s);
    }
    return s;
  }

  /** True while a reboot keeps the server down. */
  isDown(server: string): boolean {
    const s = this.state.get(server);
    return s !== undefined && s.downUntil > this.now();
  }

  view(server: string): ServerState {
    const s = this.of(server);
    const where = this.poolOf.get(server) as { pool: string; rack: string };
    return {
      server,
      pool: where.pool,
      rack: where.rack,
      version: s.version,
      installed: s.installed,
      bootId: s.bootId,
      bootTime: s.bootTime,
      cordoned: s.cordoned,
      drained: s.drained,
      fenced: s.fenced,
      up: !this.isDown(server) && !this.faulted(server),
    };
  }

  /** Busy CPU-seconds of a server, its pool's moved load included; never goes down. */
  busySeconds(server: string): number {
    const load = this.loads.get(server) as ServerLoad;
    const t = this.now();
    const s = this.state.get(server);
    if (!s) return busySecondsAt(load, t);
    return (
      busySecondsAt(load, t) +
      s.extra +
      (s.factor - 1) * (busySecondsAt(load, t) - busySecondsAt(load, s.since))
    );
  }

  /** The share of its normal memory use a server has now (0.1 drained, more on the others). */
  memoryFactor(server: string): number {
    const s = this.state.get(server);
    return s ? (s.drained ? 0.1 : s.factor) : 1;
  }

  /** Applies one action; returns the server's state after it. Throws RangeError on bad input. */
  act(server: string, action: MaintenanceAction, version?: unknown): ServerState {
    const s = this.of(server);
    // cordon, uncordon and the out-of-service taint go to Kubernetes; the rest to the server
    // itself, which must answer
    const toKubernetes =
      action === 'cordon' || action === 'uncordon' || action === 'fence' || action === 'unfence';
    if (!toKubernetes && this.faulted(server))
      throw new RangeError(`server ${server} does not answer (a server-down fault)`);
    if (!toKubernetes && this.isDown(server))
      throw new RangeError(`server ${server} is rebooting; wait until it answers again`);
    const counted = action in this.requests ? this.requests[action as keyof typeof this.requests] : null;
    counted?.set(server, (counted.get(server) ?? 0) + 1);
    switch (action) {
      case 'cordon':
        s.cordoned = true;
        this.cordons.set(server, (this.cordons.get(server) ?? 0) + 1);
        break;
      case 'drain':
        if (!s.cordoned) throw new RangeError(`server ${server} is not cordoned; cordon it before draining`);
        if (!s.drained) {
          s.drained = true;
          this.rebalance(this.poolOf.get(server)?.pool as string);
        }
        break;
      case 'fence':
        // Kubernetes deletes the pods of a node tainted out of service: they start elsewhere
        if (!s.cordoned) throw new RangeError(`server ${server} is not cordoned; cordon it before fencing`);
        s.fenced = true;
        if (!s.drained) {
          s.drained = true;
          this.rebalance(this.poolOf.get(server)?.pool as string);
        }
        break;
      case 'unfence':
        s.fenced = false;
        break;
      case 'upgrade': {
        if (typeof version !== 'string' || !VERSION.test(version))
          throw new RangeError('version must be an OS image version such as 2026.12');
        // every request counts, a no-op one too: the count is what the fleet received
        s.installed = version;
        this.upgrades.set(server, (this.upgrades.get(server) ?? 0) + 1);
        break;
      }
      case 'reboot': {
        const t = this.now();
        s.downUntil = t + REBOOT_SECONDS / this.timeScale;
        s.bootTime = s.downUntil;
        s.bootId = randomUUID();
        s.version = s.installed;
        this.reboots.set(server, (this.reboots.get(server) ?? 0) + 1);
        break;
      }
      case 'uncordon':
        if (this.isDown(server))
          throw new RangeError(`server ${server} is rebooting; wait until it answers again`);
        s.cordoned = false;
        if (s.drained) {
          s.drained = false;
          this.rebalance(this.poolOf.get(server)?.pool as string);
        }
        break;
    }
    this.note(this.poolOf.get(server)?.pool as string);
    return this.view(server);
  }

  /**
   * The server booted (it answers again after a server-down fault: repaired, or a replacement in
   * its place): a new boot id and boot time, and the version it was installed with.
   */
  booted(server: string): void {
    const s = this.of(server);
    s.bootId = randomUUID();
    s.bootTime = this.now();
    s.version = s.installed;
  }

  /** Spreads the drained servers' load over the rest of the pool. */
  private rebalance(pool: string): void {
    const t = this.now();
    const names = this.members.get(pool) ?? [];
    const drained = names.filter((n) => this.state.get(n)?.drained).length;
    const others = names.length - drained;
    const factorOthers = others > 0 ? names.length / others : 1;
    for (const n of names) {
      const s = this.of(n);
      const load = this.loads.get(n) as ServerLoad;
      const base = busySecondsAt(load, t) - busySecondsAt(load, s.since);
      s.extra += (s.factor - 1) * base;
      s.since = t;
      s.factor = s.drained ? 0 : factorOthers;
    }
  }

  /** Updates the pool's record of the most servers and racks out at once. */
  private note(pool: string): void {
    const out = (this.members.get(pool) ?? []).filter((n) => {
      const s = this.state.get(n);
      return s !== undefined && (s.cordoned || s.downUntil > this.now());
    });
    const racks = new Set(out.map((n) => this.poolOf.get(n)?.rack));
    const rec = this.maxOut.get(pool) ?? { maxOut: 0, maxRacksOut: 0 };
    this.maxOut.set(pool, {
      maxOut: Math.max(rec.maxOut, out.length),
      maxRacksOut: Math.max(rec.maxRacksOut, racks.size),
    });
  }

  record(): MaintenanceRecord {
    const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      upgrades: sorted(this.upgrades),
      cordons: sorted(this.cordons),
      reboots: sorted(this.reboots),
      drains: sorted(this.requests.drain),
      fences: sorted(this.requests.fence),
      unfences: sorted(this.requests.unfence),
      uncordons: sorted(this.requests.uncordon),
      pools: sorted(this.maxOut),
      unavailable: [...this.state]
        .filter(([, s]) => s.cordoned || s.downUntil > this.now())
        .map(([n]) => n)
        .sort(),
    };
  }
}
