/**
 * High: network access widened — a Kubernetes network policy removed (its pods accept and send
 * anything again), a policy type dropped, an ingress or egress rule added or changed, an IP block
 * widened or its exceptions cut; a security-group rule added. Reachability is how a breach spreads.
 */
import type { Change } from '../change.ts';
import {
  after,
  before,
  COMPLIANT,
  fired,
  firedIf,
  NOT_APPLICABLE,
  type RiskOutcome,
  resourceType,
} from './risk-rule.ts';

const POLICY = new Set(['kubernetes_network_policy_v1', 'kubernetes_network_policy']);

/** Each peer a policy lets in or out, with the ports of its rule: `{from: …} on 5432/TCP`. */
function peersOf(spec: unknown, direction: 'ingress' | 'egress'): Set<string> {
  const rules = ((spec as Record<string, unknown[]> | undefined)?.[direction] ?? []) as Record<
    string,
    unknown
  >[];
  const out = new Set<string>();
  for (const r of rules) {
    const ports = ((r.ports ?? []) as { port?: unknown; protocol?: unknown }[])
      .map((p) => `${p.port ?? '*'}/${p.protocol ?? 'TCP'}`)
      .join(', ');
    const peers = ((direction === 'ingress' ? r.from : r.to) ?? []) as unknown[];
    // a rule without peers admits everyone on its ports
    for (const peer of peers.length ? peers : ['anyone'])
      out.add(
        `${typeof peer === 'string' ? peer : JSON.stringify(peer)}${ports ? ` on ${ports}` : ' on every port'}`,
      );
  }
  return out;
}

export function networkAccessWidened(c: Change): RiskOutcome {
  if (c.facts.of === 'security-group-rule') return c.facts.widens ? fired(c.summary) : COMPLIANT;
  if (!POLICY.has(resourceType(c))) return NOT_APPLICABLE;
  if (c.action === 'remove') return fired(`network policy ${c.id} removed: what it limited is open again`);
  const b = after(c, 'spec');
  if (c.action === 'add') {
    // a new allow policy in a namespace that was there widens it; a new namespace's own policies do not
    if (c.facts.of !== 'terraform-resource' || c.facts.namespaceExisted !== true) return COMPLIANT;
    const allowed = [...peersOf(b, 'ingress'), ...peersOf(b, 'egress')];
    return allowed.length
      ? fired(
          `network policy ${c.id} added to an existing namespace: it allows ${allowed.slice(0, 3).join('; ')}${allowed.length > 3 ? ` and ${allowed.length - 3} more` : ''}`,
        )
      : COMPLIANT;
  }
  const a = before(c, 'spec');
  const why: string[] = [];
  const typesA = (before(c, 'spec', 'policy_types') ?? []) as string[];
  const typesB = (after(c, 'spec', 'policy_types') ?? []) as string[];
  for (const t of typesA) if (!typesB.includes(t)) why.push(`policy type ${t} dropped`);
  for (const direction of ['ingress', 'egress'] as const) {
    const was = peersOf(a, direction);
    const added = [...peersOf(b, direction)].filter((p) => !was.has(p));
    if (added.length)
      why.push(
        `${direction} now also ${direction === 'ingress' ? 'from' : 'to'} ${added.slice(0, 3).join('; ')}${added.length > 3 ? ` and ${added.length - 3} more` : ''}`,
      );
  }
  if (JSON.stringify(before(c, 'spec', 'pod_selector')) !== JSON.stringify(after(c, 'spec', 'pod_selector')))
    why.push('pod selector changed');
  return firedIf(why, `network policy ${c.id}: `);
}
