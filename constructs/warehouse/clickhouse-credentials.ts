/**
 * Where a ClickHouse server finds the keys of its backups' S3 target: a BACKUP's S3 requests are
 * the server's, and with no key in the statement its S3 client takes the AWS SDK chain of the
 * server process (clickhouse-backup.ts says where this was read). For the second site, the
 * operators' Secret as `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`; off-site, the backup agent's
 * role from the Roles Anywhere helper beside it.
 */
import type { PodParts } from './backup-pod.ts';
import { BACKUP_CREDENTIAL_KEYS, type BackupTarget, backupCredentialsSecret } from './backup-target.ts';
import { AGENT_METADATA_ENDPOINT, rolesAnywhereAgentParts } from './roles-anywhere-agent.ts';

/** The server container's part: where its S3 client finds the backup target's keys. */
export function clickhouseBackupParts(warehouse: string, target: BackupTarget): Partial<PodParts> {
  if (target.agent)
    return {
      env: [{ name: 'AWS_EC2_METADATA_SERVICE_ENDPOINT', value: AGENT_METADATA_ENDPOINT }],
      ...rolesAnywhereAgentParts(warehouse, target.agent),
    };
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: backupCredentialsSecret(warehouse), key } },
  });
  return {
    env: [
      fromSecret('AWS_ACCESS_KEY_ID', BACKUP_CREDENTIAL_KEYS.accessKeyId),
      fromSecret('AWS_SECRET_ACCESS_KEY', BACKUP_CREDENTIAL_KEYS.secretAccessKey),
    ],
  };
}
