/**
 * Critical: personal data sent somewhere it was not before — a warehouse classified personal
 * backed up to another tier, or linked to another system, in whatever jurisdiction. Under the
 * city's residency rule (and Decree 13/2023 on personal data) each new place needs its own basis.
 */
import type { Change } from '../change.ts';
import { firedIf, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function personalDataNewPlace(c: Change): RiskOutcome {
  if (c.facts.of !== 'warehouse' || c.facts.classification !== 'personal') return NOT_APPLICABLE;
  return firedIf(c.facts.newDestinations, `personal data of warehouse ${c.id} now also goes to: `);
}
