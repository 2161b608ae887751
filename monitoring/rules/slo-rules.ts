/**
 * SLOs of the public services, per tier: the error ratio over the windows of the SRE workbook's
 * multi-window, multi-burn-rate alerts. Pages: 2% of the monthly budget in 1h (14.4× over 1h and
 * 5m) or 5% in 6h (6× over 6h and 30m). Tickets: 10% in a day (3× over 1d and 2h) or 10% in three
 * days (1× over 3d and 6h). The short window of each pair lets the alert stop soon after the burn.
 *
 * Beside them, the records Sloth (slok/sloth v0.16.0, its `sloth-slo-sli-recordings` and
 * `sloth-slo-meta-recordings` groups) writes for dashboards, in citycloud's names: the error ratio
 * over the 30-day period (Sloth's `slo:sli_error:ratio_rate30d`), each tier's objective and error
 * budget (`slo:objective:ratio`, `slo:error_budget:ratio`) and the budget each service has left
 * (`slo:period_error_budget_remaining:ratio`).
 */
import type { CityModel } from '../../model/index.ts';
import { SERVICE_REQUESTS } from '../metrics/service-requests.ts';
import { type AlertSpec, alertRule, type RecordingRule } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
/** The error ratio of each service over a window of SLO_WINDOWS or the SLO period. */
export const errorRatio = (w: string) => `service:citycloud_service_errors:ratio_rate${w}`;
/** The period the error budget is spent over (Sloth's default, and the SRE workbook's month). */
export const SLO_PERIOD = '30d';
/** Each tier's availability objective, e.g. 0.999 (label `tier`). */
export const TIER_OBJECTIVE = 'tier:citycloud_service_objective:ratio';
/** Each tier's error budget, 1 − its objective (label `tier`). */
export const TIER_ERROR_BUDGET = 'tier:citycloud_service_error_budget:ratio';
/** The share of its period's error budget each service has left: 1 is untouched, 0 or below spent. */
export const BUDGET_REMAINING = 'service:citycloud_service_error_budget_remaining:ratio';

/**
 * The SLO records Sloth writes besides the windows: the period's error ratio as the mean of the
 * 5-minute ratios over it (Sloth's `sum_over_time / count_over_time` of its 5m record, which
 * avg_over_time is), so a month is read from one recorded series per service rather than from a
 * month of raw counters; then per tier the objective and the budget; then each service's budget
 * left, 1 − the period's ratio over the budget (Sloth's `1 − slo:period_burn_rate:ratio`).
 * None is `sharded`: each reads records the global already has from the shards' partials (a mean
 * over time of a ratio does not add up across shards), so the split leaves them to the global.
 */
function periodRecords(model: CityModel): RecordingRule[] {
  return [
    { record: errorRatio(SLO_PERIOD), expr: `avg_over_time(${errorRatio('5m')}[${SLO_PERIOD}])` },
    ...model.serviceTiers.flatMap((tier) => [
      {
        record: TIER_OBJECTIVE,
        expr: `vector(${Number(tier.availability.toPrecision(6))})`,
        labels: { tier: String(tier.id) },
      },
      {
        record: TIER_ERROR_BUDGET,
        expr: `vector(${Number((1 - tier.availability).toPrecision(6))})`,
        labels: { tier: String(tier.id) },
      },
    ]),
    {
      record: BUDGET_REMAINING,
      expr: `1 - ${errorRatio(SLO_PERIOD)} / on (tier) group_left () ${TIER_ERROR_BUDGET}`,
    },
  ];
}

export function sloRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const by = 'sum by (service, agency, tier)';
  const windows: RecordingRule[] = SLO_WINDOWS.map((w) => {
    const errors = `${by} (rate(${SERVICE_REQUESTS}{outcome="error"}[${w}]))`;
    const requests = `${by} (rate(${SERVICE_REQUESTS}[${w}]))`;
    const partial = (what: string) => `shard_service:citycloud_service_${what}:sum_rate${w}`;
    return {
      record: errorRatio(w),
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
      `${errorRatio(w)}{${t}} > ${Number((factor * budget).toPrecision(6))}`;
    // traffic of one service at a given error ratio: 1,000 requests a minute
    const traffic = (errorShare: number) => [
      {
        series: `${SERVICE_REQUESTS}{service="s1",agency="a1",tier="${tier.id}",outcome="success"}`,
        values: `0+${1000 * (1 - errorShare)}x400`,
      },
      {
        series: `${SERVICE_REQUESTS}{service="s1",agency="a1",tier="${tier.id}",outcome="error"}`,
        values: `0+${1000 * errorShare}x400`,
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
  // the windows first: within a group each rule reads what the ones before it recorded this round
  return { name: 'citycloud-slo', recording: [...windows, ...periodRecords(model)], alerts };
}
