/**
 * Where a warehouse's shards send their backups, as the tools that write them need it: the city's
 * own second site (S3-compatible, path-style, keys from the operators' Secret) or the off-site
 * bucket on AWS (the bucket model/offsite-names.ts names, reached with the backup agent's role
 * through IAM Roles Anywhere). Both are addressed path-style: `<endpoint>/<bucket>/<key>`.
 */
import type { BackupAgentArns, SecondSite } from '../../model/index.ts';

export class BackupTarget {
  /** The city's second site, for data that may not leave the country. */
  static secondSite(site: SecondSite, bucket: string): BackupTarget {
    return new BackupTarget('second-site', site.endpoint, bucket, null, site, null);
  }

  /** The off-site tier's bucket in `region`, written with the role `agent` names. */
  static offsite(props: {
    region: string;
    endpoint: string;
    bucket: string;
    agent: BackupAgentArns;
  }): BackupTarget {
    return new BackupTarget('offsite', props.endpoint, props.bucket, props.region, null, props.agent);
  }

  private constructor(
    readonly kind: 'second-site' | 'offsite',
    /** The S3 endpoint, `https://host` without a path. */
    readonly endpoint: string,
    readonly bucket: string,
    /** The AWS region (off-site), or null: an S3-compatible store. */
    readonly region: string | null,
    /** The second site, whose addresses the egress policy lets the pods reach. */
    readonly site: SecondSite | null,
    /** The backup agent's Roles Anywhere ARNs (off-site), or null: keys from a Secret. */
    readonly agent: BackupAgentArns | null,
  ) {}

  /** The path-style URL of `key` in the bucket. */
  url(key: string): string {
    return `${this.endpoint}/${this.bucket}/${key}`;
  }
}

/** The backup Secret's name and keys (the drill reads them too: model/backup-target.ts). */
export { BACKUP_CREDENTIAL_KEYS, backupCredentialsSecret } from '../../model/backup-target.ts';
