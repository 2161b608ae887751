/**
 * The simulated fleet's load: deterministic functions of the model and the time, so that the
 * live exporter and any history generated from them agree to the byte. Busy CPU is a base (the
 * pool's requests over its capacity) that grows a little every day, with a daily and a weekly
 * cycle; counters are the closed-form integrals of those rates, so they are exact and
 * monotonic at any instant.
 */
import { type CityModel, primaryUplinkDemands, type Server } from '../../model/index.ts';

const DAY = 86_400;
const WEEK = 7 * DAY;
const TAU = 2 * Math.PI;
/** Where growth is counted from: the start of the plan year. */
export const GROWTH_EPOCH = Date.UTC(2026, 0, 1) / 1000;

/** A stable number in [0, 1) from a name (FNV-1a), so every server differs but always the same way. */
export function jitter(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h / 2 ** 32;
}

export interface ServerLoad {
  readonly server: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  /** Mean busy fraction at the growth epoch. */
  readonly base: number;
  /** Share of the memory in use at the growth epoch. */
  readonly memoryBase: number;
  /** Daily and weekly swing, as fractions of the mean. */
  readonly daily: number;
  readonly weekly: number;
  /** Growth of the mean per day (fraction of the base). */
  readonly growthPerDay: number;
  /** Phase shift of the cycles, seconds. */
  readonly phase: number;
  /**
   * Load that arrived at once (a tenant onboarded after the growth epoch): from `at` (unix
   * seconds), `busy` more of the CPUs and `memory` more of the memory.
   */
  readonly steps: readonly { readonly at: number; readonly busy: number; readonly memory: number }[];
}

/** A tenant's onboarding date as unix seconds, when it falls after the growth epoch. */
const arrival = (onboarded: string | null) => {
  const t = onboarded === null ? Number.NaN : Date.parse(`${onboarded}T00:00:00Z`) / 1000;
  return t > GROWTH_EPOCH ? t : null;
};

/** Each server's load parameters: its pool's planned utilisation, jittered per server. */
export function serverLoads(model: CityModel): ServerLoad[] {
  const models = new Map(model.serverModels.map((m) => [m.id, m]));
  const capacity = new Map<string, number>();
  for (const s of model.servers)
    capacity.set(s.pool, (capacity.get(s.pool) ?? 0) + (models.get(s.model)?.cores ?? 0));
  const memory = new Map<string, number>();
  for (const s of model.servers)
    memory.set(s.pool, (memory.get(s.pool) ?? 0) + (models.get(s.model)?.memoryGiB ?? 0));
  const requested = new Map<string, number>();
  const requestedMemory = new Map<string, number>();
  const ask = (pool: string, cores: number, gib: number) => {
    requested.set(pool, (requested.get(pool) ?? 0) + cores);
    requestedMemory.set(pool, (requestedMemory.get(pool) ?? 0) + gib);
  };
  // tenants onboarded since the epoch arrive as steps; the rest are in the base from the start
  const arrivals: { pool: string; at: number; cpuCores: number; memoryGiB: number }[] = [];
  for (const t of model.tenants)
    for (const r of t.requests) {
      const at = arrival(t.onboarded);
      if (at === null) ask(r.pool, r.cpuCores, r.memoryGiB);
      else arrivals.push({ pool: r.pool, at, cpuCores: r.cpuCores, memoryGiB: r.memoryGiB });
    }
  for (const w of model.warehouses) {
    const n = w.shards * w.replicas;
    ask(w.pool, n * w.perReplica.cpuCores, n * w.perReplica.memoryGiB);
  }
  const growth = new Map(model.pools.map((p) => [p.id, p.growthPercentPerMonth / 100 / 30]));
  return model.servers.map((s: Server) => {
    const m = models.get(s.model);
    const j = jitter(s.name);
    // requests are reservations: real use runs at about half of them, varying by server
    const planned = (requested.get(s.pool) ?? 0) / (capacity.get(s.pool) || 1);
    const plannedMemory = (requestedMemory.get(s.pool) ?? 0) / (memory.get(s.pool) || 1);
    return {
      server: s.name,
      cores: m?.cores ?? 1,
      memoryBytes: (m?.memoryGiB ?? 1) * 1024 ** 3,
      diskBytes: (m?.disks.reduce((sum, d) => sum + d.sizeGB * d.count, 0) ?? 100) * 1e9,
      // an idle floor (the OS, the kubelet, the agents) and about half of what is requested
      base: Math.min(0.5, 0.05 + 0.45 * planned * (0.8 + 0.4 * j)),
      // memory is held more closely to the requests than CPU
      memoryBase: Math.min(0.85, 0.1 + 0.6 * plannedMemory * (0.9 + 0.2 * j)),
      daily: 0.3,
      weekly: 0.1,
      // the pool's planned growth, ±20% per server
      growthPerDay: (growth.get(s.pool) ?? 0) * (0.8 + 0.4 * j),
      phase: Math.floor(j * 3600),
      // the same shares of the arriving requests as the base takes of the standing ones
      steps: arrivals
        .filter((a) => a.pool === s.pool)
        .map((a) => ({
          at: a.at,
          busy: 0.45 * (a.cpuCores / (capacity.get(s.pool) || 1)) * (0.8 + 0.4 * j),
          memory: 0.6 * (a.memoryGiB / (memory.get(s.pool) || 1)) * (0.9 + 0.2 * j),
        })),
    };
  });
}

/** The busy share the steps add at t, and their busy seconds from the epoch to t (per core). */
const stepBusy = (l: ServerLoad, t: number) => l.steps.reduce((sum, s) => sum + (t >= s.at ? s.busy : 0), 0);
const stepBusySeconds = (l: ServerLoad, t: number) =>
  l.steps.reduce((sum, s) => sum + s.busy * Math.max(0, t - s.at), 0);

/** Busy fraction of the CPUs at time t (unix seconds). */
export function busyAt(l: ServerLoad, t: number): number {
  const days = (t - GROWTH_EPOCH) / DAY;
  const mean = l.base * (1 + l.growthPerDay * days);
  return (
    mean *
      (1 +
        l.daily * Math.sin((TAU * (t + l.phase)) / DAY) +
        l.weekly * Math.sin((TAU * (t + l.phase)) / WEEK)) +
    stepBusy(l, t)
  );
}

/** Busy CPU-seconds of the server from the growth epoch to t: the integral of busyAt × cores. */
export function busySecondsAt(l: ServerLoad, t: number): number {
  const x = t - GROWTH_EPOCH;
  const g = l.growthPerDay / DAY;
  // ∫ base(1 + g·u)(1 + d·sin(ωu + φ) + w·sin(νu + ψ)) du, with the (small) cross terms of the
  // growth and the cycles integrated by parts
  const cycle = (amp: number, period: number) => {
    const w = TAU / period;
    const p = (TAU * (GROWTH_EPOCH + l.phase)) / period;
    const F = (u: number) =>
      -Math.cos(w * u + p) / w + g * ((-u * Math.cos(w * u + p)) / w + Math.sin(w * u + p) / (w * w));
    return amp * (F(x) - F(0));
  };
  const integral = x + (g * x * x) / 2 + cycle(l.daily, DAY) + cycle(l.weekly, WEEK);
  return l.cores * (l.base * integral + stepBusySeconds(l, t));
}

/** Used memory at t: the planned share, growing with the pool, with a mild daily swing. */
export function memoryUsedAt(l: ServerLoad, t: number): number {
  const days = (t - GROWTH_EPOCH) / DAY;
  const grown =
    l.memoryBase * (1 + 0.5 * l.growthPerDay * days) +
    l.steps.reduce((sum, s) => sum + (t >= s.at ? s.memory : 0), 0);
  const share = Math.min(0.95, grown + 0.03 * Math.sin((TAU * (t + l.phase)) / DAY));
  return l.memoryBytes * share;
}

/** Free bytes on the root filesystem at t: slowly filling with the pool's growth. */
export function diskFreeAt(l: ServerLoad, t: number): number {
  const days = Math.max(0, (t - GROWTH_EPOCH) / DAY);
  const used = Math.min(0.97, 0.3 + l.base * 0.4 + days * l.growthPerDay * 0.2);
  return l.diskBytes * (1 - used);
}

/** A warehouse's simulated storage: each replica's volume and the share of it in use. */
export interface WarehouseStorage {
  readonly warehouse: string;
  readonly shards: number;
  readonly replicas: number;
  /** Bytes of one replica's volume. */
  readonly volumeBytes: number;
  /** Share of the volumes in use at the growth epoch, and its growth per day (of that share). */
  readonly usedBase: number;
  readonly growthPerDay: number;
}

export function warehouseStorages(model: CityModel): WarehouseStorage[] {
  return model.warehouses.map((w) => ({
    warehouse: w.id,
    shards: w.shards,
    replicas: w.replicas,
    volumeBytes: w.storagePerReplicaTiB * 1024 ** 4,
    usedBase: 0.3 + 0.3 * jitter(`warehouse/${w.id}`),
    growthPerDay: w.storageGrowthPercentPerMonth / 100 / 30,
  }));
}

/** Bytes used on one replica's volume at t: the warehouse's share, ±3% per shard and replica. */
export function storageUsedAt(w: WarehouseStorage, shard: number, replica: number, t: number): number {
  const days = (t - GROWTH_EPOCH) / DAY;
  const share = w.usedBase * (1 + w.growthPerDay * days) * (0.97 + 0.06 * jitter(`${w.warehouse}/${shard}`));
  // replicas of a shard hold the same data, give or take what is not merged yet
  const lag = 0.995 + 0.005 * jitter(`${w.warehouse}/${shard}/${replica}`);
  return w.volumeBytes * Math.min(0.99, share * lag);
}

/** A district hub's primary uplink and the traffic on it: a share of the peak demand behind it. */
export interface UplinkTraffic {
  readonly district: string;
  readonly link: string;
  readonly capacityMbps: number;
  /** The load as a ServerLoad of one "core" whose busy seconds are the bytes sent. */
  readonly load: ServerLoad;
}

export function uplinkTraffics(model: CityModel): UplinkTraffic[] {
  const level = new Map(model.network.points.map((p) => [p.id, p.level]));
  const growth = model.network.demandGrowthPercentPerMonth / 100 / 30;
  return primaryUplinkDemands(model)
    .filter((d) => level.get(d.point) === 'district')
    .map((d) => {
      const j = jitter(`uplink/${d.uplink.id}`);
      return {
        district: d.point,
        link: d.uplink.id,
        capacityMbps: d.uplink.mbps,
        load: {
          server: d.uplink.id,
          cores: 1,
          memoryBytes: 0,
          diskBytes: 0,
          // on average about half the peak demand, in bytes a second
          base: ((d.demandMbps * 1e6) / 8) * (0.45 + 0.1 * j),
          memoryBase: 0,
          daily: 0.4,
          weekly: 0.1,
          growthPerDay: growth * (0.8 + 0.4 * j),
          phase: Math.floor(j * 3600),
          steps: [],
        },
      };
    });
}
