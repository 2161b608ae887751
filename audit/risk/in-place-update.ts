/** Low: an update in place that no other rule finds risky. */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export const inPlaceUpdate = (c: Change): RiskOutcome =>
  c.action === 'change' ? fired(c.summary) : NOT_APPLICABLE;
