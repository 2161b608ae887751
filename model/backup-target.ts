/**
 * Where a warehouse's backups go, as both the stacks that write them and the drill that restores
 * them name it: the city's second site (an S3-compatible store in the country, path-style) and
 * the warehouse's bucket on it. Null when the warehouse backs up off-site or the inventory has no
 * second site.
 */
import type { CityModel, Warehouse } from './types.ts';

/** A warehouse's bucket on the second site. */
export const secondSiteBucketName = (warehouse: string) => `citycloud-backup-${warehouse}`;

export function secondSiteTarget(
  model: Pick<CityModel, 'secondSite'>,
  warehouse: Pick<Warehouse, 'id' | 'backupTo'>,
): { readonly endpoint: string; readonly bucket: string } | null {
  return warehouse.backupTo === 'second-site' && model.secondSite
    ? { endpoint: model.secondSite.endpoint, bucket: secondSiteBucketName(warehouse.id) }
    : null;
}
