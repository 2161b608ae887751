/** A named group of recording rules and alerts, as each rules file returns it. */
import type { AlertSpec, RecordingRule } from '../rule-types.ts';

export interface RuleSet {
  /** The Prometheus rule group name. */
  readonly name: string;
  readonly recording: readonly RecordingRule[];
  readonly alerts: readonly AlertSpec[];
}
