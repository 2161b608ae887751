/** What a pool's servers are made of: the distinct server models in it, and whether a pod fits one. */
import type { Resources, Server, ServerModel } from './types.ts';

/** The models of the pool's servers, in the order the model declares them. */
export function modelsOfPool(
  pool: string,
  servers: readonly Server[],
  serverModels: readonly ServerModel[],
): ServerModel[] {
  const ids = new Set(servers.filter((s) => s.pool === pool).map((s) => s.model));
  return serverModels.filter((m) => ids.has(m.id));
}

/** True when one of the models has both the cores and the memory `need` asks for. */
export const fitsOneOf = (need: Resources, models: readonly ServerModel[]): boolean =>
  models.some((m) => m.cores >= need.cpuCores && m.memoryGiB >= need.memoryGiB);

const BYTES_PER_TIB = 2 ** 40;

/** TiB of local disk of one kind a server model holds (disks are sold in decimal GB). */
export const diskTiB = (m: ServerModel, kind: ServerModel['disks'][number]['kind']): number =>
  m.disks
    .filter((d) => d.kind === kind)
    .reduce((sum, d) => sum + (d.sizeGB * 1e9 * d.count) / BYTES_PER_TIB, 0);

/** For each pool, the distinct racks (or halls) its servers are in. */
export function poolPlaces(servers: readonly Server[], place: 'rack' | 'hall'): Map<string, Set<string>> {
  const placesOf = new Map<string, Set<string>>();
  for (const s of servers) {
    const set = placesOf.get(s.pool) ?? new Set<string>();
    set.add(s[place]);
    placesOf.set(s.pool, set);
  }
  return placesOf;
}
