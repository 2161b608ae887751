/**
 * High: monitoring loosened — an alert removed, or loosened (its threshold moved the permissive
 * way, a longer `for`, a lower severity), a scrape job dropped, a route or receiver removed.
 * An outage nobody is told about lasts until a citizen reports it.
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, firedIf, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function monitoringLoosened(c: Change): RiskOutcome {
  if (c.facts.of === 'policy' && c.facts.policy === 'disabled-alerts')
    return firedIf(c.facts.added, 'alerts no longer run (monitoring.disabledAlerts): ');
  if (c.area !== 'monitoring') return NOT_APPLICABLE;
  if (c.facts.of === 'alert') {
    if (c.action === 'remove') return fired(`alert ${c.id} removed`);
    return firedIf(c.facts.loosened, `alert ${c.id} loosened: `);
  }
  if (c.kind === 'scrape-job')
    return c.action === 'remove'
      ? fired(`scrape job ${c.id} removed: its targets are not watched`)
      : COMPLIANT;
  if (c.kind === 'route' || c.kind === 'receiver')
    return c.action === 'remove'
      ? fired(`${c.kind} ${c.id} removed: alerts it delivered go elsewhere or nowhere`)
      : COMPLIANT;
  return NOT_APPLICABLE;
}
