/**
 * The rules split for a sharded Prometheus. Each shard scrapes its hashmod share of the targets,
 * so it may judge a target on its own series (a server down, a disk filling) but sees only part of
 * any pool, warehouse, district or service: it records the sums and counts that add up across
 * shards (`shard_…`, with its `prometheus_shard` external label), and the global Prometheus
 * federates those partials, adds them up, computes every ratio under the same record names as a
 * single Prometheus, and evaluates every aggregate alert on whole pools.
 */
import type { CityModel } from '../../model/index.ts';
import type { RecordingRule } from '../rule-types.ts';
import { cityRuleSets } from './all-rules.ts';
import { federationRules } from './federation-rules.ts';
import type { RuleSet } from './rule-set.ts';

/** The external label that tells the shards apart (not `shard`: warehouses have shards too). */
export const SHARD_LABEL = 'prometheus_shard';
/** Every partial record starts so; the global's federation selects them by this prefix. */
export const PARTIAL_PREFIX = 'shard_';
/** The series the global federates from each shard. */
export const FEDERATE_MATCH = `{__name__=~"${PARTIAL_PREFIX}.+"}`;

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
  return { shard: split.shard, global: [...split.global, federationRules(model)] };
}
