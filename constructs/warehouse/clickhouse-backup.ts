/**
 * ClickHouse 24.8's own backups of each shard, run by Kubernetes CronJobs in the warehouse's
 * namespace: `<shard>-backup` takes a full backup on the warehouse's schedule (in UTC, the
 * CronJob's clock), `<shard>-backup-incremental` one every recovery point objective in between,
 * `SETTINGS base_backup` the newest full backup. Both are `BACKUP ALL EXCEPT DATABASES system,
 * information_schema, INFORMATION_SCHEMA TO S3('<endpoint>/<bucket>/clickhouse/<shard>/<name>')`
 * (docs: operations/backup, "ALL" since 23.4), sent by clickhouse-client from the pinned server
 * image to one replica of the shard (its data is the shard's; the first replica that answers).
 *
 * Why native BACKUP and not Altinity's clickhouse-backup sidecar: no image beyond the pinned
 * server image, no agent reading the data volume beside the server, and a CronJob the cluster's
 * kube-state-metrics already watches (`kube_cronjob_status_last_successful_time`,
 * `kube_job_status_failed`), where a sidecar's own schedule would need its own exporter. What it
 * costs: ClickHouse cannot delete a backup, so retention is the store's (below).
 *
 * Read in ClickHouse's source (src/Backups/registerBackupEngineS3.cpp, BackupIO_S3.cpp,
 * src/IO/S3/Credentials.cpp): `S3(url)` with no key in the statement takes the server's: the
 * `<s3>` endpoint settings, else (`use_environment_credentials`, true by default) the AWS SDK's
 * chain in the server process — `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, then the instance
 * metadata at `AWS_EC2_METADATA_SERVICE_ENDPOINT` (IMDSv2). So the keys are the server
 * container's environment, by reference to the operators' Secret (second site), or the backup
 * agent's role served by the Roles Anywhere helper beside it (off-site): never in the SQL, the
 * job's arguments or the stack. A URL `https://s3.<host>/<bucket>/<key>` is path-style to
 * ClickHouse's URI parser, as the second site needs. ClickHouse writes a backup's `.backup` file
 * last, so the incremental job bases itself on the newest full backup that finished.
 *
 * A BACKUP runs ASYNC and the job polls `system.backups` on the same replica: a synchronous one
 * outlasts clickhouse-client's receive timeout on a shard of tens of TiB.
 *
 * Retention (`fullBackupsKept`): off-site, the bucket's lifecycle expires what the promise no
 * longer keeps (model/offsite-names.ts backupExpiryDays, the CDK stack); on the second site the
 * operators set the same expiry on the bucket's `clickhouse/` prefix, the days the CronJob's
 * annotation `<prefix>/expire-after-days` says (README). The jobs connect as the ClickHouse user
 * `backup` (BACKUP and S3 grants), its password from the warehouse's backup Secret. Second-site
 * backups are encrypted by the store, not by ClickHouse: `S3()` backups are not archives, and only
 * archives take a password.
 */
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1/index.js';
import { Construct } from 'constructs';
import {
  CLICKHOUSE_BACKUP_USER,
  CLICKHOUSE_SYSTEM_DATABASES,
  clickhouseBackupKey,
} from '../../model/backup-target.ts';
import { utcSchedule } from '../../model/index.ts';
import { backupExpiryDays } from '../../model/offsite-names.ts';
import { sidecarResources } from './backup-pod.ts';
import { BACKUP_CREDENTIAL_KEYS, type BackupTarget, backupCredentialsSecret } from './backup-target.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

/** The databases a backup leaves out: ClickHouse's own. */
const SYSTEM_DATABASES = CLICKHOUSE_SYSTEM_DATABASES.join(', ');

/**
 * A shard's backup CronJob names: the full one is `<shard>-backup`. Kubernetes keeps a CronJob's
 * name to 52 characters (its Jobs add 11).
 */
export const clickhouseBackupJobs = (shard: string) => ({
  full: `${shard}-backup`,
  incremental: `${shard}-backup-incremental`,
});

/**
 * The incremental backups' schedule: every `rpoMinutes`, rounded down to what cron repeats
 * evenly (a divisor of an hour, or of a day in hours), so two backups are never further apart.
 */
export function incrementalSchedule(rpoMinutes: number): string {
  const minutes = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30].filter((d) => d <= rpoMinutes).at(-1) ?? 1;
  if (rpoMinutes < 60) return `*/${minutes} * * * *`;
  const hours = [1, 2, 3, 4, 6, 8, 12, 24].filter((d) => d * 60 <= rpoMinutes).at(-1) ?? 1;
  return hours === 1 ? '0 * * * *' : hours === 24 ? '0 0 * * *' : `0 */${hours} * * *`;
}

// The scripts read what differs by shard from the job's environment; nothing in them is secret.
// They use `$name`, never `${name}`, which Terraform would read as its own interpolation.
const CONNECT = `set -euo pipefail
q() { clickhouse-client --host "$host" --query "$1"; }
host=
for h in $CLICKHOUSE_HOSTS; do
  if clickhouse-client --host "$h" --query 'SELECT 1' >/dev/null 2>&1; then host=$h; break; fi
done
[ -n "$host" ] || { echo "no replica of $SHARD answers: $CLICKHOUSE_HOSTS" >&2; exit 1; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
`;

const RUN = `echo "$SHARD: $kind backup on $host to $BACKUP_URL/$name"
id=$(q "BACKUP ALL EXCEPT DATABASES ${SYSTEM_DATABASES} TO S3('$BACKUP_URL/$name') $settings ASYNC" | cut -f1)
while :; do
  status=$(q "SELECT status FROM system.backups WHERE id = '$id'")
  case "$status" in
    BACKUP_CREATED) echo "$SHARD: $name done"; exit 0 ;;
    CREATING_BACKUP|SCHEDULED_TO_CREATE) sleep 30 ;;
    *) echo "$SHARD: $name $status: $(q "SELECT error FROM system.backups WHERE id = '$id'")" >&2; exit 1 ;;
  esac
done
`;

/** The full backup: `full-<UTC time>`. */
export const FULL_BACKUP_SCRIPT = `${CONNECT}kind=full name=full-$stamp settings=
${RUN}`;

/** The incremental backup on the newest finished full one, or a full one when there is none yet. */
export const INCREMENTAL_BACKUP_SCRIPT = `${CONNECT}base=$(q "SELECT concat('$S3_ENDPOINT/', replaceRegexpOne(_path, '/[.]backup$', '')) AS b FROM s3('$BACKUP_URL/full-*/.backup', 'RawBLOB') ORDER BY b DESC LIMIT 1")
if [ -n "$base" ]; then kind=incremental name=incremental-$stamp settings="SETTINGS base_backup = S3('$base')"
else kind=full name=full-$stamp settings=; fi
${RUN}`;

export interface ClickHouseBackupsProps {
  /** The warehouse, in its pool. */
  readonly scope: WarehouseScope;
  /** The shards to back up, by name. */
  readonly shards: readonly string[];
  /** Where the backups go. */
  readonly target: BackupTarget;
  /** The ClickHouse server image, whose clickhouse-client the jobs run. */
  readonly image: string;
}

/** The backup CronJobs of a ClickHouse warehouse's shards. */
export class ClickHouseBackups extends Construct {
  constructor(scope: Construct, id: string, props: ClickHouseBackupsProps) {
    super(scope, id);
    const { scope: ws, target } = props;
    const w = ws.warehouse;
    const full = utcSchedule(w.backup.schedule);
    // CC025 refuses a schedule UTC cannot say: a model that reaches here has none
    if (full === null) throw new Error(`backup schedule ${w.backup.schedule} has no UTC equivalent`);
    const secret = backupCredentialsSecret(w.id);
    for (const shard of props.shards) {
      const names = clickhouseBackupJobs(shard);
      const hosts = Array.from({ length: w.replicas }, (_, i) => `${shard}-${i}.${shard}`).join(' ');
      const job = (kind: 'full' | 'incremental', schedule: string, script: string) => {
        const labels = { [`${ws.labelPrefix}/shard`]: shard, [`${ws.labelPrefix}/backup-job`]: kind };
        const meta = ws.metadata(names[kind], labels);
        new CronJobV1(this, `${names[kind]}`, {
          metadata: {
            ...meta,
            annotations: {
              // what the store must expire (ClickHouse deletes no backup): the promise's reach
              [`${ws.labelPrefix}/expire-after-days`]: String(backupExpiryDays(w.backup)),
            },
          },
          spec: {
            schedule,
            concurrencyPolicy: 'Forbid',
            // a run missed by more than this is skipped, not started late on top of the next
            startingDeadlineSeconds: 600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              metadata: { labels: meta.labels },
              spec: {
                backoffLimit: 1,
                template: {
                  metadata: { labels: meta.labels },
                  spec: {
                    ...ws.scheduling,
                    priorityClassName: ws.priorityClassName,
                    restartPolicy: 'Never',
                    container: [
                      {
                        name: 'backup',
                        image: props.image,
                        command: ['bash', '-c', script],
                        env: [
                          { name: 'SHARD', value: shard },
                          { name: 'CLICKHOUSE_HOSTS', value: hosts },
                          { name: 'BACKUP_URL', value: target.url(clickhouseBackupKey(shard)) },
                          { name: 'S3_ENDPOINT', value: target.endpoint },
                          // clickhouse-client reads both (programs/client/Client.cpp)
                          { name: 'CLICKHOUSE_USER', value: CLICKHOUSE_BACKUP_USER },
                          {
                            name: 'CLICKHOUSE_PASSWORD',
                            valueFrom: {
                              secretKeyRef: { name: secret, key: BACKUP_CREDENTIAL_KEYS.clickhousePassword },
                            },
                          },
                        ],
                        resources: sidecarResources('100m', '128Mi'),
                      },
                    ],
                  },
                },
              },
            },
          },
        }).overrideLogicalId(names[kind]);
      };
      job('full', full, FULL_BACKUP_SCRIPT);
      job('incremental', incrementalSchedule(w.backup.rpoMinutes), INCREMENTAL_BACKUP_SCRIPT);
    }
  }
}
