/**
 * Medium: drift — the real object differs from Terraform's state (a plan's resource_drift): it was
 * changed outside the reviewed path, and the next apply will undo or keep that without a review.
 */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export const drift = (c: Change): RiskOutcome => (c.action === 'drift' ? fired(c.summary) : NOT_APPLICABLE);
