/**
 * What Spilo reads to back a PostgreSQL shard up with WAL-G — continuous WAL archiving and full
 * backups on the warehouse's schedule — to an S3-compatible store (the city's second site).
 *
 * Read in zalando/spilo at 3.3-p3, the tag of the pinned image (ghcr.io/zalando/spilo-16:3.3-p3):
 * - ENVIRONMENT.rst: USE_WALG_BACKUP / USE_WALG_RESTORE (WAL-G, not WAL-E), WAL_S3_BUCKET,
 *   AWS_ENDPOINT, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, BACKUP_SCHEDULE (cron, in the
 *   container's clock: UTC), BACKUP_NUM_TO_RETAIN, WALG_LIBSODIUM_KEY(_TRANSFORM), and
 *   SPILO_CONFIGURATION, YAML merged over the Patroni configuration Spilo writes.
 * - postgres-appliance/scripts/configure_spilo.py, write_wale_environment: only the names it lists
 *   reach WAL-G's environment; with AWS_ENDPOINT set it writes WALE_S3_ENDPOINT `https+path://…`
 *   and AWS_S3_FORCE_PATH_STYLE=true (path-style addressing, which an S3-compatible store needs),
 *   and turns server-side encryption off (WALG_DISABLE_S3_SSE=true) — so the backups are encrypted
 *   by WAL-G itself with libsodium before they leave the pod. Its bootstrap configuration sets
 *   archive_timeout to 1800s: SPILO_CONFIGURATION sets it to the recovery point objective, so a
 *   WAL segment is archived at least that often (a cluster bootstrapped before takes it through
 *   `patronictl edit-config`).
 * The credentials and the key come from a Secret the city's operators create in the warehouse's
 * namespace (`<warehouse>-backup-credentials`): its name is in the stack, never a value.
 */
import type { StatefulSetV1SpecTemplateSpecContainerEnv } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { type BackupPromise, utcSchedule } from '../../model/index.ts';
import { BACKUP_CREDENTIAL_KEYS, type BackupTarget, backupCredentialsSecret } from './backup-target.ts';

type Env = StatefulSetV1SpecTemplateSpecContainerEnv[];

/** The environment of a PostgreSQL shard's container that makes Spilo archive to `target` (the second site). */
export function spiloBackupEnv(warehouse: string, promise: BackupPromise, target: BackupTarget): Env {
  const secret = backupCredentialsSecret(warehouse);
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const schedule = utcSchedule(promise.schedule);
  // CC025 refuses a schedule UTC cannot say: a model that reaches here has none
  if (schedule === null) throw new Error(`backup schedule ${promise.schedule} has no UTC equivalent`);
  return [
    { name: 'USE_WALG_BACKUP', value: 'true' },
    { name: 'USE_WALG_RESTORE', value: 'true' },
    { name: 'WAL_S3_BUCKET', value: target.bucket },
    { name: 'AWS_ENDPOINT', value: target.endpoint },
    fromSecret('AWS_ACCESS_KEY_ID', BACKUP_CREDENTIAL_KEYS.accessKeyId),
    fromSecret('AWS_SECRET_ACCESS_KEY', BACKUP_CREDENTIAL_KEYS.secretAccessKey),
    fromSecret('WALG_LIBSODIUM_KEY', BACKUP_CREDENTIAL_KEYS.encryptionKey),
    { name: 'WALG_LIBSODIUM_KEY_TRANSFORM', value: 'base64' },
    { name: 'BACKUP_SCHEDULE', value: schedule },
    { name: 'BACKUP_NUM_TO_RETAIN', value: String(promise.fullBackupsKept) },
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
