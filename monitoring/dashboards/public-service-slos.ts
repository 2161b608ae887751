/**
 * The public services' SLOs per tier: the error budget each service has left over the 30-day
 * period, and the burn rates over the windows of the multi-window alerts, normalised by each
 * tier's budget so one line (14.4×, 6×, 3×, 1×) reads for every tier (monitoring/rules/slo-rules.ts).
 */
import type { CityModel } from '../../model/index.ts';
import { SERVICE_REQUESTS } from '../metrics/service-requests.ts';
import { BUDGET_REMAINING, errorRatio, SLO_PERIOD, TIER_ERROR_BUDGET } from '../rules/slo-rules.ts';
import { cityTitle, type DashboardSpec, type Target } from './grafana.ts';

/** The worst service's burn rate of each tier over window `w`: its error ratio over its tier's budget. */
const burn = (w: string): Target => ({
  expr: `max by (tier) (${errorRatio(w)}{tier=~"$tier"} / on (tier) group_left () ${TIER_ERROR_BUDGET})`,
  legend: `tier {{tier}}, ${w}`,
});

export function publicServiceSlos(model: CityModel): DashboardSpec {
  const remaining = `${BUDGET_REMAINING}{tier=~"$tier"}`;
  return {
    uid: 'citycloud-service-slos',
    title: cityTitle(model.city, 'public services’ SLOs'),
    description: `The online public services' availability objectives per tier: error budget left over ${SLO_PERIOD} and burn rates.`,
    tags: ['citycloud', 'slo'],
    variables: [
      {
        name: 'tier',
        label: 'Tier',
        options: model.serviceTiers.map((t) => ({
          text: `${t.name} (${Number((t.availability * 100).toPrecision(6))}%)`,
          value: String(t.id),
        })),
      },
    ],
    panels: [
      {
        title: `Error budget left, worst service of each tier`,
        description: `The least share of its ${SLO_PERIOD} error budget any service of the tier has left (\`${BUDGET_REMAINING}\`, 1 − the period’s error ratio over the budget).`,
        kind: 'stat',
        unit: 'percentunit',
        baseColor: 'red',
        thresholds: [
          { value: 0, color: 'orange' },
          { value: 0.25, color: 'green' },
        ],
        targets: [{ expr: `min by (tier) (${remaining})`, legend: 'tier {{tier}}' }],
      },
      {
        title: 'Services with the least error budget left',
        description: `The ten services with the least of their ${SLO_PERIOD} error budget left; at 0 the month’s budget is spent.`,
        unit: 'percentunit',
        thresholds: [{ value: 0, color: 'red' }],
        targets: [{ expr: `bottomk(10, ${remaining})`, legend: '{{service}} ({{agency}}, tier {{tier}})' }],
      },
      {
        title: 'Burn rate, paging windows',
        description:
          'The worst service’s error ratio over its tier’s budget, over the windows of PublicServiceErrorBudgetBurn: it pages at 14.4× over 1h and 5m, or 6× over 6h and 30m.',
        unit: 'short',
        min: 0,
        thresholds: [
          { value: 6, color: 'orange' },
          { value: 14.4, color: 'red' },
        ],
        targets: ['5m', '1h', '30m', '6h'].map(burn),
      },
      {
        title: 'Burn rate, ticket windows and the period',
        description: `The same over the windows of PublicServiceErrorBudgetBurnSlow (3× over 1d and 2h, 1× over 3d and 6h) and over ${SLO_PERIOD}: at 1× the budget lasts exactly the period.`,
        unit: 'short',
        min: 0,
        thresholds: [
          { value: 1, color: 'orange' },
          { value: 3, color: 'red' },
        ],
        targets: ['2h', '1d', '6h', '3d', SLO_PERIOD].map(burn),
      },
      {
        title: `Error ratio over ${SLO_PERIOD}, against the budget`,
        description: `The worst service’s error ratio of each tier over the period (\`${errorRatio(SLO_PERIOD)}\`), and dashed the tier’s error budget, 1 − its objective.`,
        unit: 'percentunit',
        min: 0,
        targets: [
          { expr: `max by (tier) (${errorRatio(SLO_PERIOD)}{tier=~"$tier"})`, legend: 'tier {{tier}}' },
          { expr: `${TIER_ERROR_BUDGET}{tier=~"$tier"}`, legend: 'tier {{tier}} budget' },
        ],
        limitTargets: [1],
      },
      {
        title: 'Requests and errors by tier',
        description:
          'Requests a second to the services of each tier, and the failed ones. It reads the raw request counters: with `monitoring.shards`, pick a shard’s Prometheus as the datasource (the global keeps only records).',
        unit: 'reqps',
        min: 0,
        targets: [
          {
            expr: `sum by (tier) (rate(${SERVICE_REQUESTS}{tier=~"$tier"}[$__rate_interval]))`,
            legend: 'tier {{tier}}',
          },
          {
            expr: `sum by (tier) (rate(${SERVICE_REQUESTS}{tier=~"$tier",outcome="error"}[$__rate_interval]))`,
            legend: 'tier {{tier}} errors',
          },
        ],
      },
    ],
  };
}
