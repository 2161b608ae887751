/**
 * High: an existing site renumbered — its prefix, gateway or loopback changed. Every device,
 * firewall rule, monitoring target and DNS record that knows the old address must change the
 * same night, or the ward goes dark.
 */
import type { Change } from '../change.ts';

export function siteRenumbered(c: Change): string | null {
  return c.area === 'network' && c.kind === 'site' && c.facts.renumbered === true ? c.summary : null;
}
