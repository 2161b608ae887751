/** The Prometheus rules file (recording rules first in each group, then the alerts), as YAML. */
import { stringify } from 'yaml';
import type { RuleSet } from './rules/rule-set.ts';

export const RULES_FILE = 'rules/citycloud.rules.yml';
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
