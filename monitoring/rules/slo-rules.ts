/**
 * SLOs of the public services, per tier: the error ratio over the windows of the SRE workbook's
 * multi-window, multi-burn-rate alerts. Pages: 2% of the monthly budget in 1h (14.4× over 1h and
 * 5m) or 5% in 6h (6× over 6h and 30m). Tickets: 10% in a day (3× over 1d and 2h) or 10% in three
 * days (1× over 3d and 6h). The short window of each pair lets the alert stop soon after the burn.
 */
import type { CityModel } from '../../model/index.ts';
import { SERVICE_REQUESTS } from '../metrics/service-requests.ts';
import { type AlertSpec, alertRule, type RecordingRule } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
const ratio = (w: string) => `service:citycloud_service_errors:ratio_rate${w}`;

export function sloRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const by = 'sum by (service, agency, tier)';
  const recording: RecordingRule[] = SLO_WINDOWS.map((w) => {
    const errors = `${by} (rate(${SERVICE_REQUESTS}{outcome="error"}[${w}]))`;
    const requests = `${by} (rate(${SERVICE_REQUESTS}[${w}]))`;
    const partial = (what: string) => `shard_service:citycloud_service_${what}:sum_rate${w}`;
    return {
      record: ratio(w),
      expr: `${errors} / ${requests}`,
      sharded: {
        partials: [
          { record: partial('errors'), expr: errors },
          { record: partial('requests'), expr: requests },
        ],
        expr: `${by} (${partial('errors')}) / ${by} (${partial('requests')})`,
      },
    };
  });
  const alerts: AlertSpec[] = [];
  for (const tier of model.serviceTiers) {
    const budget = Number((1 - tier.availability).toPrecision(6));
    const t = `tier="${tier.id}"`;
    const over = (w: string, factor: number) =>
      `${ratio(w)}{${t}} > ${Number((factor * budget).toPrecision(6))}`;
    // traffic of one service at a given error ratio: 1,000 requests a minute
    const traffic = (errorRatio: number) => [
      {
        series: `${SERVICE_REQUESTS}{service="s1",agency="a1",tier="${tier.id}",outcome="success"}`,
        values: `0+${1000 * (1 - errorRatio)}x400`,
      },
      {
        series: `${SERVICE_REQUESTS}{service="s1",agency="a1",tier="${tier.id}",outcome="error"}`,
        values: `0+${1000 * errorRatio}x400`,
      },
    ];
    const labels = { service: 's1', agency: 'a1', tier: String(tier.id) };
    alerts.push(
      alertRule(
        {
          alert: 'PublicServiceErrorBudgetBurn',
          expr: `(${over('1h', 14.4)} and ${over('5m', 14.4)}) or (${over('6h', 6)} and ${over('30m', 6)})`,
          for: '2m',
          severity: 'critical',
          summary: `A tier-${tier.id} public service is burning its error budget fast (objective ${tier.availability * 100}%).`,
          description:
            'Service {{ $labels.service }} of {{ $labels.agency }} fails often enough to spend a month of error budget in days: citizens are failing to file now.',
          labels: { tier: String(tier.id) },
          scenario: {
            // 20× the budget's rate: pages; a warm-up check at minute 0, before any rate exists
            series: traffic(20 * budget),
            activeFromMinute: 1,
            firingLabels: labels,
            warmUpMinute: 0,
          },
        },
        base,
      ),
      alertRule(
        {
          alert: 'PublicServiceErrorBudgetBurnSlow',
          expr: `(${over('1d', 3)} and ${over('2h', 3)}) or (${over('3d', 1)} and ${over('6h', 1)})`,
          for: '15m',
          severity: 'warning',
          summary: `A tier-${tier.id} public service is spending its error budget faster than it lasts (objective ${tier.availability * 100}%).`,
          description:
            'Service {{ $labels.service }} of {{ $labels.agency }} fails a little too often: at this rate its monthly error budget runs out early.',
          labels: { tier: String(tier.id) },
          scenario: {
            // 4.5× the budget's rate: a ticket, and no page
            series: traffic(4.5 * budget),
            activeFromMinute: 1,
            firingLabels: labels,
            quietAlerts: ['PublicServiceErrorBudgetBurn'],
          },
        },
        base,
      ),
    );
  }
  return { name: 'citycloud-slo', recording, alerts };
}
