/** Medium: any other removal — what depended on it breaks, and it is gone from the record. */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export const otherRemoval = (c: Change): RiskOutcome =>
  c.action === 'remove' ? fired(c.summary) : NOT_APPLICABLE;
