/**
 * Critical: personal data sent somewhere it was not before — a warehouse classified personal
 * backed up to another tier, or linked to another system, in whatever jurisdiction. Under the
 * city's residency rule (and Decree 13/2023 on personal data) each new place needs its own basis.
 */
import type { Change } from '../change.ts';

export function personalDataNewPlace(c: Change): string | null {
  if (c.kind !== 'warehouse' || c.facts.classification !== 'personal') return null;
  const places = (c.facts.newDestinations ?? []) as readonly string[];
  return places.length ? `personal data of warehouse ${c.id} now also goes to: ${places.join('; ')}` : null;
}
