/**
 * High: an existing site renumbered — its prefix, gateway or loopback changed. Every device,
 * firewall rule, monitoring target and DNS record that knows the old address must change the
 * same night, or the ward goes dark.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function siteRenumbered(c: Change): RiskOutcome {
  if (c.facts.of !== 'network-object' || c.kind !== 'site') return NOT_APPLICABLE;
  return c.facts.renumbered ? fired(c.summary) : COMPLIANT;
}
