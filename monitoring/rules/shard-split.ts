/**
 * The rules split for a sharded Prometheus. Each shard scrapes its hashmod share of the targets,
 * so it may judge a target on its own series (a server down, a disk filling) but sees only part of
 * any pool, warehouse, district or service: it records the sums and counts that add up across
 * shards (`shard_…`, with its `prometheus_shard` external label), and the global Prometheus
 * federates those partials, adds them up, computes every ratio under the same record names as a
 * single Prometheus, and evaluates every aggregate alert on whole pools.
 */
import type { CityModel } from '../../model/index.ts';
import { NODE_VERSION } from '../metrics/node-version.ts';
import type { RecordingRule } from '../rule-types.ts';
import { cityRuleSets } from './all-rules.ts';
import { federationRules } from './federation-rules.ts';
import type { RuleSet } from './rule-set.ts';

/** The external label that tells the shards apart (not `shard`: warehouses have shards too). */
export const SHARD_LABEL = 'prometheus_shard';
/** Every partial record starts so; the global's federation selects them by this prefix. */
export const PARTIAL_PREFIX = 'shard_';
/** The partial records the global federates from each shard, with the shards' own timestamps. */
export const FEDERATE_MATCH: readonly string[] = [`{__name__=~"${PARTIAL_PREFIX}.+"}`];
/**
 * When each server was last scraped, recorded on its shard (a partial by name, so federated with
 * the rest): a per-server reading on the global is fresh only when this says so.
 */
export const SCRAPED_AT = `${PARTIAL_PREFIX}instance:up:timestamp`;
/**
 * The raw series the runbooks read per server, which the global federates too (in its own job,
 * FEDERATE_CURRENT_JOB), so an upgrade's gates and the capacity review ask the global alone as
 * they ask a single Prometheus: `up` of the node job (a wave's servers back, no other server down,
 * which servers the history covers), the version each server runs, and the alerts firing on the
 * shards (a server down in a critical pool is judged on its shard), each Certificate's expiry.
 * About three series per server
 * with SCRAPED_AT, against the hundreds of each server's raw metrics.
 */
export const FEDERATE_CURRENT_MATCH: readonly string[] = [
  'up{job="node"}',
  `${NODE_VERSION}{job="node"}`,
  'ALERTS{alertstate="firing"}',
  // each Certificate's expiry (cert-manager's job): what rotate-certificates plans from
  'certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"}',
];

export interface ShardedRuleSets {
  /** What every shard evaluates: the partial records and the per-target alerts. */
  readonly shard: readonly RuleSet[];
  /** What the global evaluates: the aggregate records from the partials, the aggregate alerts. */
  readonly global: readonly RuleSet[];
}

/** The global's form of a record: from its partials when it aggregates targets, else as it is. */
const globalRecord = (r: RecordingRule): RecordingRule =>
  r.sharded ? { record: r.record, expr: r.sharded.expr, ...(r.labels ? { labels: r.labels } : {}) } : r;

export function splitRuleSets(sets: readonly RuleSet[]): ShardedRuleSets {
  return {
    shard: sets
      .map((set) => ({
        name: `${set.name}-shard`,
        recording: set.recording.flatMap((r) => r.sharded?.partials ?? []),
        alerts: set.alerts.filter((a) => a.perTarget),
      }))
      .filter((set) => set.recording.length + set.alerts.length > 0),
    global: sets.map((set) => ({
      name: set.name,
      recording: set.recording.map(globalRecord),
      alerts: set.alerts.filter((a) => !a.perTarget),
    })),
  };
}

/** The city's rules for `monitoring.shards` > 1, the global's federation alerts included. */
export function cityShardedRuleSets(model: CityModel): ShardedRuleSets {
  const split = splitRuleSets(cityRuleSets(model));
  const scrapedAt: RuleSet = {
    name: 'citycloud-runbooks-shard',
    recording: [{ record: SCRAPED_AT, expr: 'timestamp(up{job="node"})' }],
    alerts: [],
  };
  return { shard: [...split.shard, scrapedAt], global: [...split.global, federationRules(model)] };
}
