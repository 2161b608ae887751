/** The Prometheus rules file (recording rules first in each group, then the alerts), as YAML. */
import { stringify } from 'yaml';
import type { RuleSet } from './rules/rule-set.ts';

export const RULES_FILE = 'rules/citycloud.rules.yml';

export function rulesYaml(sets: readonly RuleSet[]): string {
  const groups = sets.map((set) => ({
    name: set.name,
    rules: [...set.recording, ...set.alerts.map((a) => a.rule)],
  }));
  return stringify({ groups }, { lineWidth: 0 });
}
