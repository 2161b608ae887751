/**
 * A pool covers what its tenants and warehouses request with its headroom (model/pool-headroom.ts):
 * the requests still fit when its k spare servers are out — its largest rack lost, or an upgrade
 * wave out — counting the k largest servers as the ones gone.
 */
import { poolHeadrooms, spareExplained } from '../pool-headroom.ts';
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
  const members = new Map<string, Amounts[]>();
  for (const s of model.servers) {
    const m = perServer.get(s.model);
    if (!m) continue;
    const list = members.get(s.pool) ?? [];
    list.push(m);
    members.set(s.pool, list);
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

  const headrooms = poolHeadrooms(model);
  const v: Violation[] = [];
  for (const pool of model.pools) {
    const req = requested.get(pool.id);
    const h = headrooms.get(pool.id);
    if (!req || !h) continue;
    const servers = members.get(pool.id) ?? [];
    for (const { key, unit } of RESOURCES) {
      if (req[key] === 0) continue;
      const amounts = servers.map((m) => m[key]).sort((a, b) => b - a);
      const cap = amounts.reduce((sum, a) => sum + a, 0);
      const usable = amounts.slice(h.spare).reduce((sum, a) => sum + a, 0);
      if (req[key] > usable && h.servers === 0)
        v.push({
          path: pool.path,
          message: `${req.by.join(', ')} request ${fmt(req[key])} ${unit}, but the pool has no servers`,
          expected:
            'servers in the pool (racks list them with pool: <id>), or the requests moved to another pool',
        });
      else if (req[key] > usable)
        v.push({
          path: pool.path,
          message: `${req.by.join(', ')} request ${fmt(req[key])} ${unit}, but the pool ${spareExplained(h)}, and the other ${h.servers - h.spare} have ${fmt(usable)} (of ${fmt(cap)})`,
          expected: `requests that fit on N − k servers: add ${fmt(req[key] - usable)} ${unit} of servers to the pool (in racks of their own, so its largest rack stays small), or lower the requests`,
        });
    }
  }
  return resultOf(requested.size > 0, v);
}
