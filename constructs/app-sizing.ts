/**
 * How many pods of an application the model allows: the ceiling is what the tenant's request in
 * its pool holds (so the autoscaler never asks beyond the namespace's quota), the floor what its
 * criticality needs to survive losing a pod, or a baseline share of the ceiling if that is more.
 */
import type { Pool, Tenant, TenantApp, TenantRequest } from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';

export interface PodSize {
  readonly cpuCores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
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

/**
 * The tenant's app and where it runs: the pool it asks the most cores of. Refuses a tenant
 * without an app, without requests, or asking of a pool that does not exist; `where` names the
 * construct and `who` the tenant in the message.
 */
export function appOf(
  t: Tenant,
  pools: readonly Pool[],
  where: string,
  who = 'tenant',
): { app: TenantApp; request: TenantRequest; pool: Pool } {
  if (!t.app)
    throw new ConstructPropsError(
      `${where}: ${who} ${t.id} declares no app; expected an app block (image, pod)`,
    );
  const request = [...t.requests].sort((a, b) => b.cpuCores - a.cpuCores)[0];
  if (!request)
    throw new ConstructPropsError(
      `${where}: ${who} ${t.id} requests nothing; expected a request in the app's pool`,
    );
  const pool = pools.find((p) => p.id === request.pool);
  if (!pool)
    throw new ConstructPropsError(
      `${where}: pool ${request.pool} does not exist; expected one of the model's pools`,
    );
  return { app: t.app, request, pool };
}
