/** Medium: any other replacement — a delete and a create: a moment without the object, new identifiers. */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export const otherReplacement = (c: Change): RiskOutcome =>
  c.action === 'replace' ? fired(c.summary) : NOT_APPLICABLE;
