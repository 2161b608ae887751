/**
 * Every change with the rules that fire on it and its level (the most severe of them); the
 * catch-all rules fire only where no specific one did. Sorted most severe first, then by where.
 */
import { type Change, sortChanges } from '../change.ts';
import { RISK_RULES } from './pack.ts';
import { LEVELS, levelRank, type RiskLevel, type RiskRule } from './risk-rule.ts';

export interface Firing {
  readonly rule: string;
  readonly level: RiskLevel;
  /** Why it fired on this change. */
  readonly because: string;
  /** Why that matters. */
  readonly matters: string;
}

export interface RankedChange extends Change {
  readonly level: RiskLevel;
  readonly firings: readonly Firing[];
}

export function rankChanges(
  changes: readonly Change[],
  rules: readonly RiskRule[] = RISK_RULES,
): RankedChange[] {
  const ranked = sortChanges(changes).map((c) => {
    const fire = (list: readonly RiskRule[]) =>
      list.flatMap((r) => {
        const outcome = r.check(c);
        return outcome.status === 'fired'
          ? [{ rule: r.id, level: r.level, because: outcome.because, matters: r.matters }]
          : [];
      });
    let firings = fire(rules.filter((r) => !r.fallback));
    if (firings.length === 0) firings = fire(rules.filter((r) => r.fallback)).slice(0, 1);
    const level = firings.reduce<RiskLevel>(
      (worst, f) => (levelRank(f.level) < levelRank(worst) ? f.level : worst),
      'low',
    );
    return { ...c, level, firings };
  });
  return ranked.sort((a, b) => levelRank(a.level) - levelRank(b.level));
}

/** How many changes at each level, most severe first. */
export function countByLevel(changes: readonly { level: RiskLevel }[]): Record<RiskLevel, number> {
  const counts = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
  for (const c of changes) counts[c.level]++;
  return counts;
}
