/**
 * The names the off-site tier gives a warehouse's backups, made once here from the model so the
 * two tiers agree without reading each other's output: the CDK stack names its bucket and its
 * backup agent's role with them, and the Kubernetes stacks point WAL-G, ClickHouse and the Roles
 * Anywhere credential helper at the same bucket and ARNs. CloudFormation would otherwise generate
 * the bucket's name at deploy time, where no Kubernetes stack could know it.
 */
import { schedulePeriodDays } from './rules/backup-promises.ts';
import type { BackupPromise, CityModel, Offsite } from './types.ts';

/**
 * A warehouse's off-site bucket: `citycloud-<city code>-backup-<warehouse>`. S3's names are
 * global, so the city's statistics-office code is in it (two cities' warehouses of one name differ).
 */
export const offsiteBucketName = (cityCode: string, warehouse: string) =>
  `citycloud-${cityCode}-backup-${warehouse}`;

/** The IAM role a warehouse's backup agent assumes through Roles Anywhere. */
export const backupAgentRoleName = (warehouse: string) => `citycloud-backup-agent-${warehouse}`;

/** The regional S3 endpoint of the off-site tier, path-style (`https://s3.<region>.amazonaws.com/<bucket>/…`). */
export const offsiteS3Endpoint = (region: string) => `https://s3.${region}.amazonaws.com`;

/** What the credential helper is told to assume a warehouse's agent role with. */
export interface BackupAgentArns {
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
}

/** `arn:<partition>:rolesanywhere:<region>:<account>:…`: the partition and account of an ARN. */
const ARN = /^arn:(aws[a-z-]*):[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/;

/**
 * The ARNs a warehouse's backup agent uses, from the model's `offsite.rolesAnywhere` (the trust
 * anchor and profile, made once by the city's PKI team: their ids are AWS's) and the role's name
 * (ours); null when the inventory does not name them.
 */
export function backupAgentArns(offsite: Offsite, warehouse: string): BackupAgentArns | null {
  const ra = offsite.rolesAnywhere;
  const m = ra ? ARN.exec(ra.trustAnchorArn) : null;
  if (!ra || !m) return null;
  const [, partition, account] = m;
  return {
    trustAnchorArn: ra.trustAnchorArn,
    profileArn: ra.profileArn,
    roleArn: `arn:${partition}:iam::${account}:role/${backupAgentRoleName(warehouse)}`,
  };
}

/**
 * Days an off-site backup object is kept before the bucket's lifecycle expires it: the full
 * backups the promise keeps, a schedule period apart, and one period more, so the oldest kept
 * full backup and the WAL after it stay whole until a newer one replaces it. The agent has no
 * delete permission (object lock besides): the bucket, not the backup tool, enforces retention.
 */
export function backupExpiryDays(promise: Pick<BackupPromise, 'schedule' | 'fullBackupsKept'>): number {
  const period = schedulePeriodDays(promise.schedule);
  // CC025 refuses a schedule it cannot read: a model that reaches here has a period
  const days = 'days' in period ? period.days : 31;
  return (promise.fullBackupsKept + 1) * days;
}

/** The warehouses whose backups go to the off-site tier. */
export const offsiteWarehouses = (model: Pick<CityModel, 'warehouses'>) =>
  model.warehouses.filter((w) => w.backupTo === 'offsite');
