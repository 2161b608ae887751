/**
 * What Spilo reads to back a PostgreSQL shard up with WAL-G — continuous WAL archiving and full
 * backups on the warehouse's schedule — to the city's second site (S3-compatible) or the off-site
 * bucket on AWS.
 *
 * Read in zalando/spilo at 3.3-p3, the tag of the pinned image (ghcr.io/zalando/spilo-16:3.3-p3):
 * - ENVIRONMENT.rst: USE_WALG_BACKUP / USE_WALG_RESTORE (WAL-G, not WAL-E), WAL_S3_BUCKET,
 *   AWS_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, BACKUP_SCHEDULE (cron, in
 *   the container's clock: UTC), CRONTAB, WALG_LIBSODIUM_KEY(_TRANSFORM), WALE_ENV_DIR, and
 *   SPILO_CONFIGURATION, YAML merged over the Patroni configuration Spilo writes. It does not list
 *   BACKUP_NUM_TO_RETAIN: configure_spilo.py:532 defaults it to 5 and :938 writes it into the envdir,
 *   and only postgres_backup.sh reads it (below).
 * - postgres-appliance/scripts/configure_spilo.py, write_wale_environment: only the names it lists
 *   reach WAL-G's environment (the envdir WALE_ENV_DIR, which archive_command and the backup cron
 *   line run WAL-G through); with AWS_ENDPOINT set it writes WALE_S3_ENDPOINT `https+path://…`
 *   and AWS_S3_FORCE_PATH_STYLE=true (path-style addressing, which an S3-compatible store needs),
 *   and turns server-side encryption off (WALG_DISABLE_S3_SSE=true) — so the backups are encrypted
 *   by WAL-G itself with libsodium before they leave the pod. Its bootstrap configuration sets
 *   archive_timeout to 1800s: SPILO_CONFIGURATION sets it to the recovery point objective, so a
 *   WAL segment is archived at least that often (a cluster bootstrapped before takes it through
 *   `patronictl edit-config`).
 * - Off-site, WAL-G's AWS SDK takes the backup agent's role from the Roles Anywhere helper beside
 *   it (roles-anywhere-agent.ts) through AWS_EC2_METADATA_SERVICE_ENDPOINT. That name is not in
 *   write_wale_environment's lists, and nothing else carries it: runit/patroni/run unsets every
 *   variable but a few before starting Patroni (so PostgreSQL's archive_command never sees the
 *   container's environment) and runit/cron/run starts cron with `env -i`. So the envdir is an
 *   emptyDir of the pod (WALE_ENV_DIR, where configure_spilo.py writes its files beside ours) and
 *   an init container writes the endpoint into it as the file envdir reads. No AWS_ENDPOINT there:
 *   AWS_REGION is the bucket's, and WALG_DISABLE_S3_SSE=true leaves the bucket's own encryption
 *   with the city's KMS key (otherwise configure_spilo.py asks for AES256, S3's key). WAL-G's
 *   `delete` after each full backup (postgres_backup.sh) is refused there — the agent may not
 *   delete —: the bucket's lifecycle keeps the promise (model/offsite-names.ts).
 * - Retention on the second site. postgres_backup.sh, which Spilo's BACKUP_SCHEDULE line runs
 *   (configure_spilo.py:1028), reads BACKUP_NUM_TO_RETAIN as a number of DAYS, N (:14, at least 2:
 *   :27). Before each push (:72) it goes over `wal-g backup-list` (:47-58): LEFT counts the backups
 *   less than N whole days old (since each finished), BEFORE is the newest of the others, and only
 *   when LEFT ≥ N (:61) does it `wal-g delete before FIND_FULL BEFORE` (:63). With a daily schedule
 *   it holds N + 1 full backups before a push (yesterday's is 0 whole days old when the next run
 *   starts) and N + 2 after; with a weekly or monthly one at most ⌈N / 7⌉ backups are younger than
 *   N days, never N, so it deletes NOTHING: every full backup and all WAL stay for ever. What it
 *   does delete always has at least N + 1 newer backups (the LEFT, and BEFORE).
 *   So BACKUP_NUM_TO_RETAIN is the promise's fullBackupsKept, K (CC025 makes it ≥ 2): Spilo's own
 *   deletion then never reaches the K newest. K itself is kept by a line of ours in CRONTAB, a YAML
 *   list of cron lines (configure_spilo.py:1039 `yaml.safe_load`: JSON is YAML) appended to
 *   postgres' crontab after its `PATH=` (:997, :1045); cron runs with `env -i` (runit/cron/run:8),
 *   so everything goes through the envdir, as Spilo's own line does. Every day, on the leader only
 *   (`pg_is_in_recovery()` as postgres_backup.sh:16 asks it, the envdir giving PGPORT), it runs
 *   `wal-g delete retain FULL K --confirm`. The image's WAL-G is v3.0.3 (Dockerfile:22); there
 *   (docs/README.md:202-209; internal/delete_handler.go:523-541) `retain FULL n` targets the n-th
 *   newest full backup and deletes every object older than it, backups and WAL, permanent ones
 *   excepted (:361-376): the K newest full backups stay with the WAL since the oldest, their
 *   point-in-time window. Every backup is a full one (WALG_DELTA_MAX_STEPS, configure_spilo.py:821,
 *   is not set). A backup still being pushed has no sentinel: it is not counted and, newer than the
 *   target, not deleted. The line runs 12 hours after the backups' time (UTC, as BACKUP_SCHEDULE),
 *   so a new full backup has K + 1 for about half a day. Daily schedules take it too: Spilo alone
 *   holds K + 2 there. Off-site there is no such line: the agent may not delete (above).
 * The key (and, for the second site, the S3 keys) come from a Secret the city's operators create
 * in the warehouse's namespace (`<warehouse>-backup-credentials`): its name is in the stack, never
 * a value.
 */
import type { StatefulSetV1SpecTemplateSpecContainerEnv } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { WALG_METADATA_ENDPOINT_SCRIPT } from '../../model/backup-agent.ts';
import { type BackupPromise, utcSchedule, type Warehouse } from '../../model/index.ts';
import type { PodParts } from './backup-pod.ts';
import { sidecarResources } from './backup-pod.ts';
import { BACKUP_CREDENTIAL_KEYS, type BackupTarget, backupCredentialsSecret } from './backup-target.ts';
import { AGENT_METADATA_ENDPOINT, rolesAnywhereAgentParts } from './roles-anywhere-agent.ts';

/** WAL-G's envdir, an emptyDir (in memory: it holds the key) the exporter reads too. */
export const WALG_ENV_DIR = '/run/etc/wal-e.d/env';
export const WALG_ENV_VOLUME = 'walg-env';

type Env = StatefulSetV1SpecTemplateSpecContainerEnv[];

/**
 * The cron line (UTC) that keeps a shard's last `fullBackupsKept` full backups and the WAL after
 * the oldest, deleting the rest: daily, 12 hours after the backups' time, on the leader only.
 * Without `$`: Kubernetes expands `$(NAME)` in an env value and Terraform `${…}` in any string.
 */
export function retentionCronLine(promise: BackupPromise): string {
  const schedule = utcSchedule(promise.schedule);
  // CC025 refuses a schedule UTC cannot say: a model that reaches here has none
  if (schedule === null) throw new Error(`backup schedule ${promise.schedule} has no UTC equivalent`);
  const [minute, hour] = schedule.split(' ') as [string, string];
  const envdir = `envdir "${WALG_ENV_DIR}"`;
  return (
    `${minute} ${(Number(hour) + 12) % 24} * * * ` +
    `${envdir} psql -tXqAc 'select pg_catalog.pg_is_in_recovery()' | grep -qx f && ` +
    `${envdir} wal-g delete retain FULL ${promise.fullBackupsKept} --confirm`
  );
}

/** The environment of a PostgreSQL shard's container that makes Spilo archive to `target`. */
export function spiloBackupEnv(warehouse: string, promise: BackupPromise, target: BackupTarget): Env {
  const secret = backupCredentialsSecret(warehouse);
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const schedule = utcSchedule(promise.schedule);
  // CC025 refuses a schedule UTC cannot say: a model that reaches here has none
  if (schedule === null) throw new Error(`backup schedule ${promise.schedule} has no UTC equivalent`);
  const where: Env = target.agent
    ? [
        { name: 'AWS_REGION', value: target.region ?? '' },
        { name: 'WALG_DISABLE_S3_SSE', value: 'true' },
      ]
    : [
        { name: 'AWS_ENDPOINT', value: target.endpoint },
        fromSecret('AWS_ACCESS_KEY_ID', BACKUP_CREDENTIAL_KEYS.accessKeyId),
        fromSecret('AWS_SECRET_ACCESS_KEY', BACKUP_CREDENTIAL_KEYS.secretAccessKey),
      ];
  return [
    { name: 'USE_WALG_BACKUP', value: 'true' },
    { name: 'USE_WALG_RESTORE', value: 'true' },
    { name: 'WAL_S3_BUCKET', value: target.bucket },
    ...where,
    { name: 'WALE_ENV_DIR', value: WALG_ENV_DIR },
    fromSecret('WALG_LIBSODIUM_KEY', BACKUP_CREDENTIAL_KEYS.encryptionKey),
    { name: 'WALG_LIBSODIUM_KEY_TRANSFORM', value: 'base64' },
    { name: 'BACKUP_SCHEDULE', value: schedule },
    // read as days by postgres_backup.sh: with K, its own deletion never reaches the K newest
    { name: 'BACKUP_NUM_TO_RETAIN', value: String(promise.fullBackupsKept) },
    // the promise's K, kept by WAL-G itself; off-site the bucket's lifecycle keeps it instead
    ...(target.agent ? [] : [{ name: 'CRONTAB', value: JSON.stringify([retentionCronLine(promise)]) }]),
    {
      name: 'SPILO_CONFIGURATION',
      value: JSON.stringify({
        bootstrap: {
          dcs: { postgresql: { parameters: { archive_timeout: `${promise.rpoMinutes * 60}s` } } },
        },
      }),
    },
  ];
}

/**
 * What archiving adds to a PostgreSQL shard's pod: Spilo's environment, the envdir's volume, and off-site the
 * credential helper and the init container that tells WAL-G where it serves.
 */
export function spiloBackupParts(
  warehouse: Pick<Warehouse, 'id' | 'backup'>,
  target: BackupTarget,
  spiloImage: string,
): Partial<PodParts> {
  const envdir = {
    env: spiloBackupEnv(warehouse.id, warehouse.backup, target),
    volumeMounts: [{ name: WALG_ENV_VOLUME, mountPath: WALG_ENV_DIR }],
  };
  const volume = { volumes: [{ name: WALG_ENV_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] };
  if (!target.agent) return { ...envdir, ...volume };
  const agent = rolesAnywhereAgentParts(warehouse.id, target.agent);
  return {
    ...envdir,
    volumes: [...(volume.volumes ?? []), ...(agent.volumes ?? [])],
    sidecars: agent.sidecars ?? [],
    initContainers: [
      {
        name: 'walg-metadata-endpoint',
        image: spiloImage,
        command: ['sh', '-c', WALG_METADATA_ENDPOINT_SCRIPT],
        env: [
          { name: 'ENDPOINT', value: AGENT_METADATA_ENDPOINT },
          { name: 'WALE_ENV_DIR', value: WALG_ENV_DIR },
        ],
        resources: sidecarResources('50m', '32Mi'),
        volumeMount: [{ name: WALG_ENV_VOLUME, mountPath: WALG_ENV_DIR }],
      },
    ],
  };
}
