/**
 * A pool covers what its tenants and warehouses request with N+1 headroom: the requests still
 * fit when the pool's largest server is lost.
 */
import type { CityModel } from '../types.ts';
import { fmt, type RuleResult, resultOf, type Violation } from './rule.ts';

const GB_PER_TIB = 1024 ** 4 / 1e9;

interface Amounts {
  cpuCores: number;
  memoryGiB: number;
  gpus: number;
  storageTiB: number;
}

const RESOURCES: readonly { key: keyof Amounts; unit: string }[] = [
  { key: 'cpuCores', unit: 'cores' },
  { key: 'memoryGiB', unit: 'GiB of memory' },
  { key: 'gpus', unit: 'GPUs' },
  { key: 'storageTiB', unit: 'TiB of disk' },
];

const zero = (): Amounts => ({ cpuCores: 0, memoryGiB: 0, gpus: 0, storageTiB: 0 });

export function poolCapacityHeadroom(model: CityModel): RuleResult {
  const perServer = new Map(
    model.serverModels.map((m) => [
      m.id,
      {
        cpuCores: m.cores,
        memoryGiB: m.memoryGiB,
        gpus: m.gpus,
        storageTiB: m.disks.reduce((sum, d) => sum + d.sizeGB * d.count, 0) / GB_PER_TIB,
      },
    ]),
  );
  const capacity = new Map<string, Amounts>();
  const largest = new Map<string, Amounts>();
  for (const s of model.servers) {
    const m = perServer.get(s.model);
    if (!m) continue;
    const cap = capacity.get(s.pool) ?? zero();
    const big = largest.get(s.pool) ?? zero();
    for (const { key } of RESOURCES) {
      cap[key] += m[key];
      big[key] = Math.max(big[key], m[key]);
    }
    capacity.set(s.pool, cap);
    largest.set(s.pool, big);
  }
  const requested = new Map<string, Amounts & { by: string[] }>();
  const ask = (pool: string, who: string, a: Partial<Amounts>) => {
    const r = requested.get(pool) ?? { ...zero(), by: [] };
    for (const { key } of RESOURCES) r[key] += a[key] ?? 0;
    r.by.push(who);
    requested.set(pool, r);
  };
  for (const t of model.tenants)
    for (const r of t.requests)
      ask(r.pool, `tenant ${t.id}`, { cpuCores: r.cpuCores, memoryGiB: r.memoryGiB, gpus: r.gpus });
  for (const w of model.warehouses) {
    const n = w.shards * w.replicas;
    ask(w.pool, `warehouse ${w.id}`, {
      cpuCores: n * w.perReplica.cpuCores,
      memoryGiB: n * w.perReplica.memoryGiB,
      storageTiB: n * w.storagePerReplicaTiB,
    });
  }

  const v: Violation[] = [];
  for (const pool of model.pools) {
    const req = requested.get(pool.id);
    if (!req) continue;
    const cap = capacity.get(pool.id) ?? zero();
    const big = largest.get(pool.id) ?? zero();
    for (const { key, unit } of RESOURCES) {
      if (req[key] === 0) continue;
      const usable = cap[key] - big[key];
      if (req[key] > usable)
        v.push({
          path: pool.path,
          message: `${req.by.join(', ')} request ${fmt(req[key])} ${unit}, but with its largest server lost the pool has ${fmt(usable)} (of ${fmt(cap[key])})`,
          expected: `requests within N+1 capacity: add ${fmt(req[key] - usable)} ${unit} of servers to the pool or lower the requests`,
        });
    }
  }
  return resultOf(requested.size > 0, v);
}
