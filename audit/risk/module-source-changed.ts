/**
 * High: a module's source changed, or a module added — other code runs in the plan and the apply,
 * with the deploy's credentials, than the code reviewed before. (synth writes no modules: a
 * module in a stack came from somewhere else.)
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export function moduleSourceChanged(c: Change): RiskOutcome {
  if (c.facts.of !== 'terraform-block' || c.facts.block !== 'module') return NOT_APPLICABLE;
  if (c.action === 'remove') return COMPLIANT;
  return c.facts.sourceBefore !== c.facts.sourceAfter
    ? fired(
        `${c.id} runs code from ${c.facts.sourceAfter ?? '?'}${c.facts.sourceBefore ? ` (was ${c.facts.sourceBefore})` : ''}`,
      )
    : COMPLIANT;
}
