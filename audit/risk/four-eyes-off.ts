/**
 * High: four eyes off — `runbooks.fourEyes` from true to false. One operator may then approve
 * their own rolling upgrade of the fleet (or any runbook): no second person sees it before it runs.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function fourEyesOff(c: Change): RiskOutcome {
  if (c.facts.of !== 'policy' || c.facts.policy !== 'four-eyes') return NOT_APPLICABLE;
  return c.facts.before === 'true' && c.facts.after !== 'true'
    ? fired('runbooks.fourEyes turned off: an operator may approve their own runbook')
    : COMPLIANT;
}
