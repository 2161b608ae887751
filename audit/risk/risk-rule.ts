/** What a risk rule is: an id, a level, why it matters, and a test of one change. */
import { type Change, valueAt } from '../change.ts';

export type RiskLevel = 'critical' | 'high' | 'medium' | 'low';

/** Levels from the most to the least severe. */
export const LEVELS: readonly RiskLevel[] = ['critical', 'high', 'medium', 'low'];

export const levelRank = (l: RiskLevel) => LEVELS.indexOf(l);

export interface RiskRule {
  readonly id: string;
  /** The rule's file name. */
  readonly name: string;
  readonly level: RiskLevel;
  /** Why a change this rule finds matters, in one sentence. */
  readonly matters: string;
  /**
   * A catch-all: fires only on a change no other rule found (the medium and low levels of
   * "other replacements, deletions, additions").
   */
  readonly fallback?: boolean;
  /** Whether the rule applies to this change, and if it does whether it fires, and why (one line). */
  readonly check: (change: Change) => RiskOutcome;
}

/** What a rule says of one change: not its kind of change, checked and fine, or fired with why. */
export type RiskOutcome =
  | { readonly status: 'not-applicable' }
  | { readonly status: 'compliant' }
  | { readonly status: 'fired'; readonly because: string };

export const NOT_APPLICABLE: RiskOutcome = { status: 'not-applicable' };
export const COMPLIANT: RiskOutcome = { status: 'compliant' };
export const fired = (because: string): RiskOutcome => ({ status: 'fired', because });
/** Fired with the reasons found, compliant when there are none. */
export const firedIf = (reasons: readonly string[], prefix = ''): RiskOutcome =>
  reasons.length ? fired(`${prefix}${reasons.join('; ')}`) : COMPLIANT;

/** A nested value of a changed object's configuration before or after. */
export const before = (c: Change, ...keys: (string | number)[]) => valueAt(c.objects?.before, ...keys);
export const after = (c: Change, ...keys: (string | number)[]) => valueAt(c.objects?.after, ...keys);

/** The Terraform (or plan, or CloudFormation) resource type of a change; its kind for other objects. */
export const resourceType = (c: Change): string =>
  c.facts.of === 'terraform-resource' ||
  c.facts.of === 'plan-resource' ||
  c.facts.of === 'cloudformation-resource'
    ? c.facts.type
    : c.kind;
