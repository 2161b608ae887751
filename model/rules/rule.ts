/** What a rule returns: compliant, not applicable, or non-compliant with its violations. */
import type { CityModel } from '../types.ts';

export interface Violation {
  /** Model path of the object at fault. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** What is expected instead. */
  readonly expected: string;
  /** The field of the object to point at, when one field is at fault. */
  readonly field?: string;
}

export type RuleResult =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'non-compliant'; readonly violations: readonly Violation[] };

/** A rule: a pure function of the model. */
export type Rule = (model: CityModel) => RuleResult;

/** The result for a rule that checked `applicable` objects and found `violations`. */
export function resultOf(applicable: boolean, violations: readonly Violation[]): RuleResult {
  if (violations.length > 0) return { status: 'non-compliant', violations };
  return applicable ? { status: 'compliant' } : { status: 'not-applicable' };
}

/** Thousands separators for figures in messages. */
export const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
