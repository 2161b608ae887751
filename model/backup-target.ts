/**
 * Where a warehouse's backups go and what they are called, as both the stacks that write them and
 * the drill that restores them name it: the city's second site (an S3-compatible store in the
 * country, path-style) and the warehouse's bucket on it (null when the warehouse backs up
 * off-site or the inventory has no second site), the Secret of the backups' keys, and the
 * ClickHouse backups' keys in the store.
 */
import { offsiteBucketName, offsiteS3Endpoint } from './offsite-names.ts';
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

/** The Secret of a warehouse's backup credentials and encryption key, and its keys. */
export const backupCredentialsSecret = (warehouse: string) => `${warehouse}-backup-credentials`;
export const BACKUP_CREDENTIAL_KEYS = {
  /** The second site's S3 keys (the off-site tier uses the backup agent's role instead). */
  accessKeyId: 'access-key-id',
  secretAccessKey: 'secret-access-key',
  /** WAL-G's libsodium key, 32 random bytes, base64: `openssl rand -base64 32`. */
  encryptionKey: 'libsodium-key',
  /** The password of the ClickHouse user the backup jobs connect as. */
  clickhousePassword: 'clickhouse-password',
} as const;

/** The Secret holding an off-site warehouse's backup agent's certificate and key (`tls.crt`, `tls.key`), issued by cert-manager. */
export const backupAgentSecret = (warehouse: string) => `${warehouse}-backup-agent`;

/**
 * What the way out to the off-site tier never reaches: the city's own networks (RFC 1918, and the
 * shared address space 100.64.0.0/10 its address plan takes for links and loopbacks as it grows),
 * link-local (169.254.169.254 answers for a node's own role where a node has one), loopback, "this
 * network", the benchmarking range and multicast and above (RFC 6890).
 */
export const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '127.0.0.0/8',
  '0.0.0.0/8',
  '198.18.0.0/15',
  '224.0.0.0/3',
] as const;

/** An off-site warehouse's bucket, its region and the region's S3 endpoint; null when it backs up elsewhere. */
export function offsiteTarget(
  model: Pick<CityModel, 'offsite' | 'city'>,
  warehouse: Pick<Warehouse, 'id' | 'backupTo'>,
): { readonly endpoint: string; readonly bucket: string; readonly region: string } | null {
  return warehouse.backupTo === 'offsite'
    ? {
        endpoint: offsiteS3Endpoint(model.offsite.region),
        bucket: offsiteBucketName(model.city.code, warehouse.id),
        region: model.offsite.region,
      }
    : null;
}

/** The ClickHouse user the backup jobs (and the drill's readings of a shard) connect as. */
export const CLICKHOUSE_BACKUP_USER = 'backup';

/** The databases a ClickHouse backup leaves out, and its restore: ClickHouse's own. */
export const CLICKHOUSE_SYSTEM_DATABASES = ['system', 'information_schema', 'INFORMATION_SCHEMA'] as const;

/** Where a ClickHouse shard's backups are in its bucket: `clickhouse/<shard>/<backup>/`. */
export const clickhouseBackupKey = (shard: string) => `clickhouse/${shard}`;

/**
 * A ClickHouse backup's name, as its CronJob writes it (constructs/warehouse/clickhouse-backup.ts):
 * `full-` or `incremental-`, then the UTC time the job began, `20261205T160000Z`.
 */
export const CLICKHOUSE_BACKUP_NAME = /^(full|incremental)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A ClickHouse backup's kind and when its job began (unix s), or null for another name. */
export function clickhouseBackupOf(
  name: string,
): { readonly name: string; readonly kind: 'full' | 'incremental'; readonly at: number } | null {
  const m = CLICKHOUSE_BACKUP_NAME.exec(name);
  if (!m) return null;
  const [, kind, y, mo, d, h, mi, se] = m;
  const t = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)));
  // a time the jobs could write: one Date does not carry over into another day or month
  const same = t.toISOString().slice(0, 19) === `${y}-${mo}-${d}T${h}:${mi}:${se}`;
  return same ? { name, kind: kind as 'full' | 'incremental', at: t.getTime() / 1000 } : null;
}
