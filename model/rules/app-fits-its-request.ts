/**
 * Every application citycloud deploys fits what its tenant requests, as EgovApp and
 * PublicServicesPortal size it (model/app-sizing.ts): the request holds the floor of pods its
 * pool's criticality (or each portal tier's availability) needs; the portal has services to serve,
 * and its routing table fits one ConfigMap.
 */
import {
  appPlacement,
  CONFIG_MAP_LIMIT,
  DEFAULT_BASELINE_SHARE,
  DEFAULT_MIN_REPLICAS,
  podsWithin,
  portalRoutingTables,
  replicaRange,
  tierFloor,
  tierShares,
} from '../app-sizing.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function appFitsItsRequest(model: CityModel): RuleResult {
  const v: Violation[] = [];
  const apps = model.tenants.filter((t) => t.app);
  for (const t of apps) {
    const app = t.app as NonNullable<typeof t.app>;
    const placed = appPlacement(t, model.pools);
    if ('problem' in placed) {
      // an unknown pool is CC002's to say
      if (t.requests.length === 0)
        v.push({
          path: t.path,
          field: 'requests',
          message: placed.problem,
          expected: "a request in the app's pool",
        });
      continue;
    }
    const { request, pool } = placed;
    const pods = (r: { cpuCores: number; memoryGiB: number; gpus: number }) => podsWithin(r, app.pod);
    const podWords = `pods of ${fmt(app.pod.cpuCores)} cores and ${fmt(app.pod.memoryGiB)} GiB`;
    if (t.id !== model.portalTenant) {
      const floor = DEFAULT_MIN_REPLICAS[pool.criticality];
      const capacity = pods(request);
      if (!replicaRange(capacity, floor, DEFAULT_BASELINE_SHARE))
        v.push({
          path: t.path,
          field: 'app',
          message: `the request in pool ${pool.id} (${fmt(request.cpuCores)} cores, ${fmt(request.memoryGiB)} GiB) holds ${capacity} ${podWords}`,
          expected: `room for at least ${floor} pods (${pool.criticality} pool): a larger request or a smaller pod`,
        });
      continue;
    }
    if (model.publicServices.length === 0) {
      v.push({
        path: t.path,
        field: 'app',
        message: 'the portal has no public services to serve',
        expected: 'the catalogue of publicServices the portal serves',
      });
      continue;
    }
    for (const { tier, services, share } of tierShares(model.publicServices, model.serviceTiers)) {
      const capacity = pods({
        cpuCores: request.cpuCores * share,
        memoryGiB: request.memoryGiB * share,
        gpus: request.gpus * share,
      });
      const floor = tierFloor(tier.availability);
      if (!replicaRange(capacity, floor, DEFAULT_BASELINE_SHARE))
        v.push({
          path: t.path,
          field: 'app',
          message: `tier ${tier.id} (${tier.name}, ${services} services) gets ${Math.round(share * 100)}% of the portal's request, room for ${capacity} ${podWords}`,
          expected: `at least ${floor} pods for ${fmt(tier.availability * 100)}% availability: a larger request or a smaller pod`,
        });
    }
    for (const table of portalRoutingTables(model.publicServices)) {
      const bytes = Buffer.byteLength(table.content);
      if (bytes > CONFIG_MAP_LIMIT)
        v.push({
          path: t.path,
          field: 'app',
          message: `the routing table's part ${table.name} is ${fmt(bytes)} bytes`,
          expected: "at most a ConfigMap's 1 MiB (1,048,576 bytes)",
        });
    }
  }
  return resultOf(apps.length > 0, v);
}
