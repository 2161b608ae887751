/**
 * `promtool test rules` cases for every alert, made from its scenario: nothing fires just before
 * its `for` window ends, the alert fires (with exactly its labels and annotations) just after,
 * plus the warm-up and quiet checks a scenario asks for.
 */
import { stringify } from 'yaml';
import { type AlertSpec, minutesOf } from './rule-types.ts';
import type { RuleSet } from './rules/rule-set.ts';
import { groupsRead, rulesFileOf } from './rules-file.ts';

/**
 * Fills `{{ $labels.x }}` the way Prometheus will for these labels, and prints the literal text
 * promLiteral protected (`{{ "{{" }}`), so a test checks what Prometheus really shows.
 */
export function renderTemplate(text: string, labels: Readonly<Record<string, string>>): string {
  return text.replace(
    /\{\{ *\$labels\.(\w+) *\}\}|\{\{ ("\{\{?") \}\}/g,
    (_, name: string | undefined, literal: string | undefined) =>
      literal === undefined ? (labels[name as string] ?? '<no value>') : (JSON.parse(literal) as string),
  );
}

/** The tiers of `spec`'s alert that its scenario says fire with it (AlertScenario.alsoFiring). */
function siblings(spec: AlertSpec, all: readonly AlertSpec[]): AlertSpec[] {
  return (spec.scenario.alsoFiring ?? []).map((labels) => {
    const found = all.find(
      (o) =>
        o !== spec &&
        o.rule.alert === spec.rule.alert &&
        Object.entries(labels).every(([k, v]) => o.rule.labels[k] === v),
    );
    if (!found || found.rule.for !== spec.rule.for)
      throw new Error(`alert ${spec.rule.alert}: no tier ${JSON.stringify(labels)} with the same for`);
    return found;
  });
}

function testOf(spec: AlertSpec, all: readonly AlertSpec[]) {
  const { rule, scenario } = spec;
  // exact by default: pending one minute before activeFrom + for, firing at it
  const slack = scenario.slackMinutes ?? 0;
  const fires = scenario.activeFromMinute + minutesOf(rule.for);
  const expected = (r: AlertSpec['rule']) => {
    const labels = { ...scenario.firingLabels, ...r.labels };
    return {
      exp_labels: labels,
      exp_annotations: {
        summary: renderTemplate(r.annotations.summary, labels),
        description: renderTemplate(r.annotations.description, labels),
        runbook_url: renderTemplate(r.annotations.runbook_url, labels),
      },
    };
  };
  const none = (minute: number, alertname = rule.alert) => ({
    eval_time: `${minute}m`,
    alertname,
    exp_alerts: [],
  });
  const checks = [
    ...(scenario.warmUpMinute === undefined ? [] : [none(scenario.warmUpMinute)]),
    none(Math.max(0, fires - 1 - slack)),
    {
      eval_time: `${fires + slack}m`,
      alertname: rule.alert,
      exp_alerts: [expected(rule), ...siblings(spec, all).map((o) => expected(o.rule))],
    },
    ...(scenario.quietAlerts ?? []).map((name) => none(fires + slack, name)),
  ];
  return {
    name: `${rule.alert} ${JSON.stringify(scenario.firingLabels)}: quiet before ${rule.for}, firing after`,
    interval: '1m',
    input_series: scenario.series,
    alert_rule_test: checks,
  };
}

/**
 * The promtool test file of `sets`' alerts, for the rules files at `rulesPaths` (relative to the
 * test file): one, or several evaluated in `loaded`'s order (a shard's partials before the
 * global's sums in each step, as federation delivers them; a group's records before the group
 * that reads them).
 */
export function ruleTestsYaml(
  sets: readonly RuleSet[],
  rulesPaths: readonly string[],
  loaded: readonly RuleSet[] = sets,
): string {
  return stringify(
    {
      rule_files: rulesPaths,
      ...(rulesPaths.length > 1 ? { group_eval_order: loaded.map((s) => s.name) } : {}),
      evaluation_interval: '1m',
      tests: sets.flatMap((s) => s.alerts.map((a) => testOf(a, s.alerts))),
    },
    { lineWidth: 0 },
  );
}

/** A rule group's test file, beside the rules folder. */
export const ruleTestsFileOf = (group: string): string => `tests/${group}.rules.test.yml`;

/**
 * One test file per group with alerts, loading that group's rules file and the files of the
 * groups whose records it reads (rules-file.ts): promtool evaluates every loaded rule at every
 * step of every test, so a group's tests cost that group's rules, not the city's.
 */
export const ruleTestsFiles = (sets: readonly RuleSet[]): [string, string][] =>
  sets
    .filter((set) => set.alerts.length > 0)
    .map((set) => {
      const loaded = groupsRead(set, sets);
      return [
        ruleTestsFileOf(set.name),
        ruleTestsYaml(
          [set],
          loaded.map((s) => `../${rulesFileOf(s.name)}`),
          loaded,
        ),
      ];
    });
