/**
 * High: a reviewer added to the allowed signers (or a reviewer's key replaced). Once this output
 * is applied, that key's signature opens the review gate: who holds it can then approve any change.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function reviewerAdded(c: Change): RiskOutcome {
  if (c.facts.of !== 'reviewer') return NOT_APPLICABLE;
  return c.action === 'add'
    ? fired(`${c.facts.principals} may sign reviews with a key the reviewers did not have (${c.id})`)
    : COMPLIANT;
}
