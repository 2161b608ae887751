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
import {
  AGENT_CERT_DIR,
  AGENT_CONTAINER,
  AGENT_METADATA_ENDPOINT,
  AGENT_VOLUME,
  backupAgentArgs,
  SIGNING_HELPER_IMAGE,
  SIGNING_HELPER_PORT,
} from '../../model/backup-agent.ts';
import { backupAgentSecret } from '../../model/backup-target.ts';
import type { BackupAgentArns } from '../../model/index.ts';
import type { PodParts } from './backup-pod.ts';
import { sidecarResources } from './backup-pod.ts';

/**
 * The helper's image, port and endpoint, and its certificate's Secret: one definition with the
 * drill's copy (model/backup-agent.ts, model/backup-target.ts).
 */
export { AGENT_METADATA_ENDPOINT, backupAgentSecret, SIGNING_HELPER_IMAGE, SIGNING_HELPER_PORT };

/** The sidecar and the certificate's volume, for a shard of `warehouse` whose agent assumes `agent.roleArn`. */
export function rolesAnywhereAgentParts(warehouse: string, agent: BackupAgentArns): Partial<PodParts> {
  return {
    sidecars: [
      {
        name: AGENT_CONTAINER,
        image: SIGNING_HELPER_IMAGE,
        args: backupAgentArgs(agent),
        resources: sidecarResources('100m', '64Mi'),
        volumeMount: [{ name: AGENT_VOLUME, mountPath: AGENT_CERT_DIR, readOnly: true }],
      },
    ],
    volumes: [{ name: AGENT_VOLUME, secret: { secretName: backupAgentSecret(warehouse) } }],
  };
}
