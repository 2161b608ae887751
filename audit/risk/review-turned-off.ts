/**
 * Critical: the review gate turned off — `deploy.requireReview` from true to false. Every later
 * change could then be applied without anyone reviewing it; the deploy keeps requiring a review
 * until an output without the requirement has itself been reviewed and applied.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function reviewTurnedOff(c: Change): RiskOutcome {
  if (c.facts.of !== 'policy' || c.facts.policy !== 'require-review') return NOT_APPLICABLE;
  return c.facts.before === 'true' && c.facts.after !== 'true'
    ? fired('deploy.requireReview turned off: later changes apply without a signed review')
    : COMPLIANT;
}
