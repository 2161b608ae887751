/**
 * How many pods of a tenant's application the model allows — one definition for the rule that
 * checks it (CC018) and the constructs that size the Deployments (EgovApp, PublicServicesPortal).
 * The ceiling is what the tenant's request in its pool holds (so the autoscaler never asks beyond
 * the namespace's quota); the floor is what its criticality, or its tier's availability objective,
 * needs to survive losing a pod.
 */
import type { Criticality, Pool, PublicService, ServiceTier, Tenant, TenantRequest } from './types.ts';

export interface PodSize {
  readonly cpuCores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
}

/** The fewest pods of an app by its pool's criticality: a critical app survives a pod and a drain. */
export const DEFAULT_MIN_REPLICAS: Readonly<Record<Criticality, number>> = {
  critical: 3,
  high: 2,
  normal: 2,
};

/** Share of the ceiling kept running at the quietest hour. */
export const DEFAULT_BASELINE_SHARE = 0.25;

/** Work weight of a fully and a partly online service, for sharing the portal's request by tier. */
export const DEFAULT_SERVICE_WEIGHTS = { full: 2, partial: 1 } as const;

/** A ConfigMap (the portal's routing table) holds at most 1 MiB. */
export const CONFIG_MAP_LIMIT = 1024 * 1024;

/** The fewest pods a tier's availability objective needs: three nines survive a pod and a drain. */
export function tierFloor(availability: number): number {
  return availability >= 0.999 ? 3 : 2;
}

/** Pods of `pod` size that fit in `request` (every resource counts). */
export function podsWithin(
  request: Pick<TenantRequest, 'cpuCores' | 'memoryGiB' | 'gpus'>,
  pod: PodSize,
): number {
  const fits = [request.cpuCores / pod.cpuCores, request.memoryGiB / pod.memoryGiB];
  if (pod.gpus > 0) fits.push(request.gpus / pod.gpus);
  // a little tolerance so that 0.1 + 0.2 style sums do not lose a pod
  return Math.floor(Math.min(...fits) + 1e-9);
}

/** The autoscaler's range: floor ≤ min ≤ max = pods within the request; null when even the floor does not fit. */
export function replicaRange(capacity: number, floor: number, baselineShare: number): ReplicaRange | null {
  if (capacity < floor) return null;
  return { min: Math.min(capacity, Math.max(floor, Math.ceil(capacity * baselineShare))), max: capacity };
}

/** Where a tenant's app runs: the pool it asks the most cores of; or why it cannot run at all. */
export function appPlacement(
  t: Tenant,
  pools: readonly Pool[],
): { readonly request: TenantRequest; readonly pool: Pool } | { readonly problem: string } {
  const request = [...t.requests].sort((a, b) => b.cpuCores - a.cpuCores)[0];
  if (!request) return { problem: `tenant ${t.id} declares an app but requests nothing` };
  const pool = pools.find((p) => p.id === request.pool);
  if (!pool) return { problem: `pool ${request.pool} does not exist` };
  return { request, pool };
}

/** Each tier's share of the portal's work (services weighted by mode), tiers with services only, by id. */
export function tierShares(
  services: readonly PublicService[],
  tiers: readonly ServiceTier[],
  weights: { readonly full: number; readonly partial: number } = DEFAULT_SERVICE_WEIGHTS,
): { readonly tier: ServiceTier; readonly services: number; readonly share: number }[] {
  const weightOf = (s: PublicService) => (s.mode === 'full' ? weights.full : weights.partial);
  const total = services.reduce((sum, s) => sum + weightOf(s), 0);
  return [...tiers]
    .sort((a, b) => a.id - b.id)
    .map((tier) => {
      const own = services.filter((s) => s.tier === tier.id);
      return { tier, services: own.length, share: own.reduce((sum, s) => sum + weightOf(s), 0) / total };
    })
    .filter((t) => t.services > 0);
}

/** The Deployment that serves a tier's services. */
export const portalBackend = (tier: number) => `portal-tier-${tier}`;

/** The portal's routing table, one line per service sorted by id (adding one changes one line). */
export function portalRoutingTable(services: readonly PublicService[]): string {
  const routes = [...services]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s) => `${s.id}\t${s.agency}\t${s.mode}\t${s.tier}\t${portalBackend(s.tier)}\n`)
    .join('');
  return `id\tagency\tmode\ttier\tbackend\n${routes}`;
}
