/**
 * What a deploy trusts besides the stacks, written into out/ so that a review covers it: the
 * provider lock file every stack is initialised with (`terraform/.terraform.lock.hcl`, when the
 * inventory has one) and the reviewers' allowed signers (`deploy/allowed_signers`, when the
 * inventory names them). A key added to the reviewers, or a provider checksum changed, is then a
 * change to an artifact of the review like any other.
 */
import { allowedSignersText, providerLockText } from '../model/index.ts';
import type { Artifact, View } from '../view/view.ts';

/** The lock file, beside the stacks: deploy puts a copy into each stack it initialises. */
export const PROVIDER_LOCK_ARTIFACT = 'terraform/.terraform.lock.hcl';
/** The reviewers' allowed-signers file, as ssh-keygen -Y verify reads it. */
export const ALLOWED_SIGNERS_ARTIFACT = 'deploy/allowed_signers';

export const deployInputsView: View = {
  name: 'deploy-inputs',
  render: (model) => {
    const out: Artifact[] = [];
    if (model.deploy.providerLock)
      out.push({ path: PROVIDER_LOCK_ARTIFACT, content: providerLockText(model.deploy.providerLock) });
    if (model.deploy.reviewers.length > 0)
      out.push({ path: ALLOWED_SIGNERS_ARTIFACT, content: allowedSignersText(model.deploy.reviewers) });
    return out;
  },
};
