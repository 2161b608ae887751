/**
 * Where synth puts what in out/, for the commands that read an output rather than make one
 * (deploy, the audit diff): they learn the layout here, not from the stacks that write it.
 */

export { OFFSITE_STACK } from '../stacks/offsite/offsite-input.ts';
export { DEPLOY_ORDER_FILE } from '../stacks/terraform-view.ts';
export { MANIFEST_FILE } from './manifest.ts';
