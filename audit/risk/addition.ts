/** Low: an addition — new objects to review, nothing existing is lost. */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export const addition = (c: Change): RiskOutcome => (c.action === 'add' ? fired(c.summary) : NOT_APPLICABLE);
