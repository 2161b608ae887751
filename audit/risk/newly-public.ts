/**
 * High: something newly reachable from outside — a Service turned LoadBalancer or NodePort or
 * given external IPs, a bucket's public-access block lifted, a bucket policy that lets anyone in.
 * A government system on the internet is a target from the moment it is published.
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

const SERVICE = new Set(['kubernetes_service_v1', 'kubernetes_service']);
const EXPOSED = new Set(['LoadBalancer', 'NodePort']);

export function newlyPublic(c: Change): RiskOutcome {
  if (SERVICE.has(resourceType(c))) {
    if (c.action === 'remove') return COMPLIANT;
    const was = String(before(c, 'spec', 'type') ?? 'ClusterIP');
    const is = String(after(c, 'spec', 'type') ?? 'ClusterIP');
    if (EXPOSED.has(is) && (c.action === 'add' || !EXPOSED.has(was)))
      return fired(`service ${c.id} is now type ${is}: reachable from outside the cluster`);
    const ipsA = (before(c, 'spec', 'external_ips') ?? []) as string[];
    const ipsB = (after(c, 'spec', 'external_ips') ?? []) as string[];
    const added = ipsB.filter((ip) => !ipsA.includes(ip));
    return added.length ? fired(`service ${c.id} gains external IPs ${added.join(', ')}`) : COMPLIANT;
  }
  if (c.facts.of !== 'cloudformation-resource') return NOT_APPLICABLE;
  const { bucket, bucketPolicy } = c.facts;
  if (bucket)
    return bucket.publicBlockedBefore && !bucket.publicBlockedAfter
      ? fired(`bucket ${c.id} no longer blocks public access (PublicAccessBlockConfiguration)`)
      : COMPLIANT;
  if (bucketPolicy)
    return bucketPolicy.anyoneAfter && !bucketPolicy.anyoneBefore
      ? fired(`bucket policy ${c.id} allows anyone (Principal "*") without a condition`)
      : COMPLIANT;
  return NOT_APPLICABLE;
}
