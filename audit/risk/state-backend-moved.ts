/**
 * Critical: the Terraform state moved — a stack's `terraform.backend` (or `cloud`) block changed,
 * added or removed, or the inventory's `terraformState` changed. Terraform compares the
 * configuration with the state it finds there: an empty or planted state makes the next plan
 * create everything again, or destroy what the real state holds; and whoever runs that backend
 * reads every secret the state keeps.
 */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function stateBackendMoved(c: Change): RiskOutcome {
  const f = c.facts;
  if (f.of === 'terraform-block' && f.block === 'backend')
    return fired(
      `the state of stack ${c.stack ?? '?'} moves: ${f.backendBefore ?? '(none)'} → ${f.backendAfter ?? '(none)'}${
        c.attributes.length ? ` (${c.attributes.map((a) => a.path).join(', ')})` : ''
      }`,
    );
  if (f.of === 'policy' && f.policy === 'state-backend')
    return fired(`the state of every stack moves: ${f.before} → ${f.after}`);
  return NOT_APPLICABLE;
}
