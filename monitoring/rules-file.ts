/**
 * The Prometheus rules files (recording rules first in each group, then the alerts), as YAML: one
 * file per rule group, which one Prometheus loads together, so `promtool test rules` of a group's
 * alerts evaluates that group's rules (and those whose records it reads) and not the whole city's.
 */
import { stringify } from 'yaml';
import type { RuleSet } from './rules/rule-set.ts';

/** A rule group's file, relative to the Prometheus configuration that loads it. */
export const rulesFileOf = (group: string): string => `rules/${group}.rules.yml`;
/** With shards: what each shard evaluates, and what the global does (rules/shard-split.ts). */
export const SHARD_RULES_FILE = 'rules/citycloud.shard.rules.yml';
export const GLOBAL_RULES_FILE = 'rules/citycloud.global.rules.yml';

export function rulesYaml(sets: readonly RuleSet[]): string {
  const groups = sets.map((set) => ({
    name: set.name,
    // a record's sharded form is for the split (rules/shard-split.ts), not a field of the rule
    rules: [...set.recording.map(({ sharded: _, ...rule }) => rule), ...set.alerts.map((a) => a.rule)],
  }));
  return stringify({ groups }, { lineWidth: 0 });
}

/** Every group's file and its YAML, in the groups' order. */
export const rulesFiles = (sets: readonly RuleSet[]): [string, string][] =>
  sets.map((set) => [rulesFileOf(set.name), rulesYaml([set])]);

/**
 * The groups whose records `set`'s rules read, in `all`'s order, `set` last: a record's name
 * (`level:metric:operations`, with colons no raw metric has) found in its expressions.
 */
export function groupsRead(set: RuleSet, all: readonly RuleSet[]): RuleSet[] {
  const exprs = [...set.recording.map((r) => r.expr), ...set.alerts.map((a) => a.rule.expr)];
  // a record's name is word characters and colons only: nothing in it to escape
  const reads = (other: RuleSet) =>
    other.recording.some(({ record }) => {
      const name = new RegExp(`(?<![\\w:])${record}(?![\\w:])`);
      return exprs.some((e) => name.test(e));
    });
  return [...all.filter((other) => other !== set && reads(other)), set];
}
