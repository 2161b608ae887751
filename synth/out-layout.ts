/**
 * Where synth puts what in out/, for the commands that read an output rather than make one
 * (deploy, verify, the audit diff): they learn the layout here, not from the stacks that write it.
 *
 * `artifactRole` knows every path synth writes and what it is for. A path it does not know is one
 * synth never writes — an `*_override.tf.json`, a `cdk.tofu.json`, a `*.tofu`, a
 * `terraform.tfstate`, an asset folder — and so one no review of a citycloud output may carry: the
 * tools read such files (OpenTofu prefers `.tofu` files, Terraform merges overrides), whatever the
 * diff could say of them.
 */
import { ALLOWED_SIGNERS_ARTIFACT, PROVIDER_LOCK_ARTIFACT } from '../stacks/deploy-inputs-view.ts';
import { LOCAL_STATE_DIR } from '../stacks/local-state.ts';
import { OFFSITE_STACK } from '../stacks/offsite/offsite-input.ts';
import { DEPLOY_ORDER_FILE } from '../stacks/terraform-view.ts';
import { MANIFEST_FILE } from './manifest.ts';

export {
  ALLOWED_SIGNERS_ARTIFACT,
  DEPLOY_ORDER_FILE,
  LOCAL_STATE_DIR,
  MANIFEST_FILE,
  OFFSITE_STACK,
  PROVIDER_LOCK_ARTIFACT,
};

/** The folder of out/ that `citycloud deploy` writes its plans into (never part of a review). */
export const PLANS_DIR = 'plans';

/**
 * What an artifact is. The `tool-input` roles are what Terraform or the AWS CDK read: deploy
 * stages exactly those; the others are read by people and by citycloud itself.
 */
export type ArtifactRole =
  | { readonly role: 'terraform-stack'; readonly stack: string }
  | { readonly role: 'provider-lock' }
  | { readonly role: 'cloud-assembly'; readonly file: string }
  | { readonly role: 'allowed-signers' }
  | { readonly role: 'deploy-order' }
  | { readonly role: 'model' }
  | { readonly role: 'network' }
  | { readonly role: 'monitoring' };

/** A stack's folder name as synth makes it. */
const STACK_NAME = '[a-z0-9][a-z0-9-]{0,62}';
const TERRAFORM_STACK = new RegExp(`^terraform/stacks/(${STACK_NAME})/cdk\\.tf\\.json$`);
/** The cloud assembly's files: the CLI's version marker, manifest, tree and the stack's own files. */
const CLOUD_ASSEMBLY = new RegExp(
  `^cloudformation/(cdk\\.out|manifest\\.json|tree\\.json|validation-report\\.json|${OFFSITE_STACK}\\.(template|assets|metadata)\\.json)$`,
);
const NETWORK =
  /^network\/(address-pins\.yaml|blackbox-targets\.json|ipam\.csv|netbox\/\d-[a-z-]+\.csv|topology\.(html|json))$/;
const MONITORING =
  /^monitoring\/((prometheus|alertmanager|blackbox|prometheus-global|prometheus-shard-\d+)\.yml|rules\/[a-z.-]+\.rules\.yml|tests\/[a-z.-]+\.test\.yml|targets\/[a-z0-9-]+\.json|dashboards\/([a-z0-9-]+\.json|provisioning\.yml))$/;

/** What the artifact at `path` is, or null when synth never writes such a path. */
export function artifactRole(path: string): ArtifactRole | null {
  const stack = TERRAFORM_STACK.exec(path)?.[1];
  if (stack) return { role: 'terraform-stack', stack };
  if (path === PROVIDER_LOCK_ARTIFACT) return { role: 'provider-lock' };
  if (CLOUD_ASSEMBLY.test(path))
    return { role: 'cloud-assembly', file: path.slice('cloudformation/'.length) };
  if (path === ALLOWED_SIGNERS_ARTIFACT) return { role: 'allowed-signers' };
  if (path === DEPLOY_ORDER_FILE) return { role: 'deploy-order' };
  if (path === 'model/city.json') return { role: 'model' };
  if (NETWORK.test(path)) return { role: 'network' };
  if (MONITORING.test(path)) return { role: 'monitoring' };
  return null;
}

/** Whether Terraform, OpenTofu or the AWS CDK read the artifact (deploy stages exactly these). */
export const isToolInput = (r: ArtifactRole) =>
  r.role === 'terraform-stack' || r.role === 'provider-lock' || r.role === 'cloud-assembly';
