/**
 * High: permissions broadened — an IAM statement that grants more (as @aws-cdk/cloudformation-diff
 * judges it), a Kubernetes Role given a new rule, a RoleBinding given a new subject. Every
 * permission is one more thing a stolen credential can do.
 */
import type { Change } from '../change.ts';
import { after, before, resourceType } from './risk-rule.ts';

const grown = (a: unknown, b: unknown) => {
  const was = new Set(((a ?? []) as unknown[]).map((x) => JSON.stringify(x)));
  return ((b ?? []) as unknown[]).map((x) => JSON.stringify(x)).filter((x) => !was.has(x));
};

export function accessBroadened(c: Change): string | null {
  if (c.kind === 'iam-statement' && c.facts.broadens === true) return c.summary;
  if (c.action === 'remove') return null;
  const type = resourceType(c);
  if (type === 'kubernetes_role_v1' || type === 'kubernetes_cluster_role_v1') {
    const added = grown(before(c, 'rule'), after(c, 'rule'));
    if (added.length)
      return `role ${c.id} grants ${added.length} new rule${added.length > 1 ? 's' : ''}: ${added[0]}`;
  }
  if (type === 'kubernetes_role_binding_v1' || type === 'kubernetes_cluster_role_binding_v1') {
    const added = grown(before(c, 'subject'), after(c, 'subject'));
    if (added.length)
      return `role binding ${c.id} binds ${added.length} new subject${added.length > 1 ? 's' : ''}: ${added[0]}`;
  }
  return null;
}
