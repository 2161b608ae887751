/**
 * High: permissions broadened — an IAM statement that grants more (as @aws-cdk/cloudformation-diff
 * judges it), a Kubernetes Role given a new rule, a RoleBinding given a new subject. Every
 * permission is one more thing a stolen credential can do.
 */
import type { Change } from '../change.ts';
import {
  after,
  before,
  COMPLIANT,
  fired,
  NOT_APPLICABLE,
  type RiskOutcome,
  resourceType,
} from './risk-rule.ts';

const grown = (a: unknown, b: unknown) => {
  const was = new Set(((a ?? []) as unknown[]).map((x) => JSON.stringify(x)));
  return ((b ?? []) as unknown[]).map((x) => JSON.stringify(x)).filter((x) => !was.has(x));
};

const ROLE = new Set(['kubernetes_role_v1', 'kubernetes_cluster_role_v1']);
const BINDING = new Set(['kubernetes_role_binding_v1', 'kubernetes_cluster_role_binding_v1']);

export function accessBroadened(c: Change): RiskOutcome {
  if (c.facts.of === 'iam-statement') return c.facts.broadens ? fired(c.summary) : COMPLIANT;
  const type = resourceType(c);
  if (!ROLE.has(type) && !BINDING.has(type)) return NOT_APPLICABLE;
  if (c.action === 'remove') return COMPLIANT;
  const [what, field, noun] = ROLE.has(type)
    ? ['role', 'rule', 'rule']
    : ['role binding', 'subject', 'subject'];
  const added = grown(before(c, field), after(c, field));
  return added.length
    ? fired(
        `${what} ${c.id} ${ROLE.has(type) ? 'grants' : 'binds'} ${added.length} new ${noun}${added.length > 1 ? 's' : ''}: ${added[0]}`,
      )
    : COMPLIANT;
}
