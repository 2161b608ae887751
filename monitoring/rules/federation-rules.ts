/**
 * The global Prometheus' own alert: a shard it cannot federate from. Its pools, districts and
 * services would then be judged on what the other shards see, so this pages.
 */
import type { CityModel } from '../../model/index.ts';
import { alertRule } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

/** The global's scrape job of the shards' /federate: their partial records. */
export const FEDERATE_JOB = 'federate';
/**
 * The global's second job on the shards' /federate: the per-server series the runbooks read,
 * stamped with the global's own scrape time (`honor_timestamps: false`), so that a series a shard
 * no longer has — a version replaced, an alert resolved, every series of a shard that does not
 * answer — is marked stale at once, as on a single Prometheus (federated samples keeping their
 * own timestamps are never marked stale: they would linger for the lookback, 5 minutes).
 */
export const FEDERATE_CURRENT_JOB = 'federate-current';

export function federationRules(model: CityModel): RuleSet {
  return {
    name: 'citycloud-federation',
    recording: [],
    alerts: [
      alertRule(
        {
          alert: 'PrometheusShardDown',
          expr: `up{job="${FEDERATE_JOB}"} == 0`,
          for: '5m',
          severity: 'critical',
          summary: 'The global Prometheus cannot read a shard: part of the fleet is not watched.',
          description:
            'Shard {{ $labels.instance }} has not answered the global federation for 5 minutes: the servers it scrapes alert nowhere, and every pool, district and service is judged without them.',
          scenario: {
            series: [{ series: `up{job="${FEDERATE_JOB}",instance="shard-0:9090"}`, values: '1 1 0x20' }],
            activeFromMinute: 2,
            firingLabels: { job: FEDERATE_JOB, instance: 'shard-0:9090' },
          },
        },
        model.monitoring.runbookBaseUrl,
      ),
    ],
  };
}
