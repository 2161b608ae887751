/**
 * The backup agent an off-site warehouse's pods run beside the database — the IAM Roles Anywhere
 * credential helper (aws/rolesanywhere-credential-helper, read at v1.8.0: README "serve",
 * aws_signing_helper/serve.go) — as one definition for the shards' sidecar
 * (constructs/warehouse/roles-anywhere-agent.ts) and the restore drill's copy
 * (runbooks/drill/scratch-store.ts): its image, its `serve` arguments, where it serves, and the
 * file through which WAL-G finds it.
 */
import type { BackupAgentArns } from './offsite-names.ts';

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

/** The agent's container, and the volume of its certificate's Secret (`tls.crt`, `tls.key`). */
export const AGENT_CONTAINER = 'backup-agent';
export const AGENT_VOLUME = 'backup-agent-tls';
export const AGENT_CERT_DIR = '/etc/backup-agent';

/** `aws_signing_helper serve` for an agent that assumes `agent.roleArn`. */
export const backupAgentArgs = (agent: BackupAgentArns): string[] => [
  'serve',
  '--certificate',
  `${AGENT_CERT_DIR}/tls.crt`,
  '--private-key',
  `${AGENT_CERT_DIR}/tls.key`,
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
];

/**
 * What an init container runs to tell WAL-G where the agent serves: Spilo writes no metadata
 * endpoint into WAL-G's envdir (configure_spilo.py's write_wale_environment names), so the file is
 * written first into the envdir's emptyDir, Spilo's files beside it. Reads `ENDPOINT` and
 * `WALE_ENV_DIR`.
 */
export const WALG_METADATA_ENDPOINT_SCRIPT =
  'printf %s "$ENDPOINT" > "$WALE_ENV_DIR/AWS_EC2_METADATA_SERVICE_ENDPOINT"';
