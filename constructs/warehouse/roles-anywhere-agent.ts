/**
 * A warehouse's backup agent in its shards' pods: the IAM Roles Anywhere credential helper
 * (aws/rolesanywhere-credential-helper, read at v1.8.0: README "serve", aws_signing_helper/serve.go)
 * run as a sidecar with `aws_signing_helper serve`. It signs CreateSession with the agent's
 * certificate (the Secret `<warehouse>-backup-agent` cert-manager issues from the city's CA, CN
 * `backup-agent.<warehouse>.hcmc.gov.vn`, which the agent role's trust policy requires), renews
 * the role's credentials five minutes before they expire, and serves them on 127.0.0.1:9911 with
 * IMDSv2's paths and token (PUT /latest/api/token, then /latest/meta-data/iam/security-credentials/
 * <role>). The AWS SDKs in the pod find them through `AWS_EC2_METADATA_SERVICE_ENDPOINT`: WAL-G's
 * (aws-sdk-go) and ClickHouse's (src/IO/S3/Credentials.cpp, getAWSMetadataEndpoint, which asks for
 * the token first). Only the pod reaches 127.0.0.1; no key is ever in the stack or the environment.
 */
import { backupAgentSecret } from '../../model/backup-target.ts';
import type { BackupAgentArns } from '../../model/index.ts';
import type { PodParts } from './backup-pod.ts';
import { sidecarResources } from './backup-pod.ts';

/**
 * The credential helper's image, v1.8.0. AWS publishes it as public.ecr.aws/rolesanywhere/
 * credential-helper:1.8.0-<platform>-<build time>; the city mirrors that build to its registry
 * under the version, as it does every image its data centre runs.
 */
export const SIGNING_HELPER_IMAGE = 'registry.hcmc.gov.vn/mirror/rolesanywhere-credential-helper:1.8.0';

/** The helper's port (its default, `--port`). */
export const SIGNING_HELPER_PORT = 9911;

/** What the pod's AWS SDKs are told the instance metadata service is. */
export const AGENT_METADATA_ENDPOINT = `http://127.0.0.1:${SIGNING_HELPER_PORT}`;

/** The Secret holding the agent's certificate and key (the drill reads it too: model/backup-target.ts). */
export { backupAgentSecret };

const CERT_DIR = '/etc/backup-agent';

/** The sidecar and the certificate's volume, for a shard of `warehouse` whose agent assumes `agent.roleArn`. */
export function rolesAnywhereAgentParts(warehouse: string, agent: BackupAgentArns): Partial<PodParts> {
  return {
    sidecars: [
      {
        name: 'backup-agent',
        image: SIGNING_HELPER_IMAGE,
        args: [
          'serve',
          '--certificate',
          `${CERT_DIR}/tls.crt`,
          '--private-key',
          `${CERT_DIR}/tls.key`,
          '--trust-anchor-arn',
          agent.trustAnchorArn,
          '--profile-arn',
          agent.profileArn,
          '--role-arn',
          agent.roleArn,
          '--port',
          String(SIGNING_HELPER_PORT),
          // as EC2's IMDSv2: a response does not leave the pod's network namespace
          '--hop-limit',
          '1',
        ],
        resources: sidecarResources('100m', '64Mi'),
        volumeMount: [{ name: 'backup-agent-tls', mountPath: CERT_DIR, readOnly: true }],
      },
    ],
    volumes: [{ name: 'backup-agent-tls', secret: { secretName: backupAgentSecret(warehouse) } }],
  };
}
