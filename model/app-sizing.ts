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

/** What one ConfigMap of the routing table aims at: room to grow before the 1 MiB limit. */
export const ROUTING_TABLE_TARGET_BYTES = 768 * 1024;

const route = (s: PublicService) => `${s.id}\t${s.agency}\t${s.mode}\t${s.tier}\t${portalBackend(s.tier)}\n`;
const HEADER = 'id\tagency\tmode\ttier\tbackend\n';

/** FNV-1a of a service id: which part of the routing table it is in, whatever else is added. */
function bucketOf(id: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % buckets;
}

/**
 * The portal's routing table, in as many ConfigMaps as it needs to stay under the 1 MiB each can
 * hold (one for a city the size of Ho Chi Minh City): a service is in the part its id hashes to,
 * one line each sorted by id, so adding a service changes one line of one part.
 */
export function portalRoutingTables(services: readonly PublicService[]): { name: string; content: string }[] {
  const sorted = [...services].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const bytes = sorted.reduce((sum, s) => sum + Buffer.byteLength(route(s)), Buffer.byteLength(HEADER));
  const parts = Math.max(1, Math.ceil(bytes / ROUTING_TABLE_TARGET_BYTES));
  if (parts === 1) return [{ name: 'portal-routes', content: HEADER + sorted.map(route).join('') }];
  const lines: string[][] = Array.from({ length: parts }, () => []);
  for (const s of sorted) (lines[bucketOf(s.id, parts)] as string[]).push(route(s));
  const digits = String(parts - 1).length;
  return lines.map((l, i) => ({
    name: `portal-routes-${String(i).padStart(digits, '0')}`,
    content: HEADER + l.join(''),
  }));
}
