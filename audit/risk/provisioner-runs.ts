/**
 * Critical: a resource that runs a provisioner — `local-exec` runs a command on the machine that
 * applies (with the deploy's credentials and environment), `remote-exec` and `file` reach into a
 * host. synth writes none: one in a stack came from somewhere else, and does whatever it says.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function provisionerRuns(c: Change): RiskOutcome {
  if (c.facts.of !== 'terraform-resource' && c.facts.of !== 'plan-resource') return NOT_APPLICABLE;
  if (c.action === 'remove') return COMPLIANT;
  const p = c.facts.provisioners ?? [];
  return p.length ? fired(`${c.id} runs provisioners (${p.join(', ')}) when it is applied`) : COMPLIANT;
}
