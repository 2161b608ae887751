/**
 * Critical: personal-data residency widened — a country added to `residency.personalDataIn` (or
 * the list emptied, which allows anywhere). Citizens' data may then be backed up or sent there,
 * which needs its own legal basis (Decree 13/2023 on personal data protection).
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function residencyWidened(c: Change): RiskOutcome {
  if (c.facts.of !== 'policy' || c.facts.policy !== 'residency') return NOT_APPLICABLE;
  if (c.facts.after === '(anywhere)' && c.facts.before !== '(anywhere)')
    return fired('residency.personalDataIn emptied: personal data may be kept anywhere');
  return c.facts.added.length
    ? fired(`personal data may now also be kept in ${c.facts.added.join(', ')} (residency.personalDataIn)`)
    : COMPLIANT;
}
