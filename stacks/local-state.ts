/**
 * Where a stack's local Terraform state lives by default: `state/<stack>.tfstate` beside the output
 * folder, never inside it — synth replaces the output whole, and state must outlive every synth.
 */

/** The folder, beside the output folder, that holds the stacks' local state. */
export const LOCAL_STATE_DIR = 'state';

/** The state file of a stack, as its cdk.tf.json names it, from out/terraform/stacks/<stack>/. */
export const localStatePath = (stack: string) => `../../../../${LOCAL_STATE_DIR}/${stack}.tfstate`;
