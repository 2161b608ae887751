/**
 * High: monitoring loosened — an alert removed, or loosened (its threshold moved the permissive
 * way, a longer `for`, a lower severity), a scrape job dropped, a route or receiver removed.
 * An outage nobody is told about lasts until a citizen reports it.
 */
import type { Change } from '../change.ts';

export function monitoringLoosened(c: Change): string | null {
  if (c.area !== 'monitoring') return null;
  if (c.kind === 'alert' && c.action === 'remove') return `alert ${c.id} removed`;
  const why = (c.facts.loosened ?? []) as readonly string[];
  if (c.kind === 'alert' && why.length) return `alert ${c.id} loosened: ${why.join('; ')}`;
  if (c.kind === 'scrape-job' && c.action === 'remove')
    return `scrape job ${c.id} removed: its targets are not watched`;
  if ((c.kind === 'route' || c.kind === 'receiver') && c.action === 'remove')
    return `${c.kind} ${c.id} removed: alerts it delivered go elsewhere or nowhere`;
  return null;
}
