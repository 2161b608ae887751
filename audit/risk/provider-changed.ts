/**
 * High: a provider changed — its configuration (which cluster, which credentials: a provider
 * pointed elsewhere applies everything there), its required source or version (other code, run
 * with the deploy's credentials), or the package checksums the lock file pins.
 */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function providerChanged(c: Change): RiskOutcome {
  const f = c.facts;
  if (f.of === 'terraform-block' && f.block === 'provider')
    return fired(
      `${c.id} of stack ${c.stack ?? '?'} ${c.action === 'add' ? 'added' : c.action === 'remove' ? 'removed' : `reconfigured: ${c.attributes.map((a) => a.path).join(', ')}`}`,
    );
  if (f.of === 'terraform-block' && f.block === 'required-provider')
    return fired(
      `${c.id} of stack ${c.stack ?? '?'}: ${f.sourceBefore ?? '(none)'} → ${f.sourceAfter ?? '(none)'}`,
    );
  if (f.of === 'provider-lock') return fired(c.summary);
  return NOT_APPLICABLE;
}
