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
  /** Why the rule fires on this change, in one line; null when it does not. */
  readonly fires: (change: Change) => string | null;
}

/** A nested value of a changed object's configuration before or after. */
export const before = (c: Change, ...keys: (string | number)[]) => valueAt(c.objects?.before, ...keys);
export const after = (c: Change, ...keys: (string | number)[]) => valueAt(c.objects?.after, ...keys);

/** The Terraform (or plan) resource type of a change, whatever area it came from. */
export const resourceType = (c: Change) =>
  c.area === 'terraform' || c.area === 'plan' ? String(c.facts.type ?? c.kind) : c.kind;
