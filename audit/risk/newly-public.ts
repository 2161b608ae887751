/**
 * High: something newly reachable from outside — a Service turned LoadBalancer or NodePort or
 * given external IPs, a bucket's public-access block lifted, a bucket policy that lets anyone in.
 * A government system on the internet is a target from the moment it is published.
 */
import type { Change } from '../change.ts';
import { after, before, resourceType } from './risk-rule.ts';

const SERVICE = new Set(['kubernetes_service_v1', 'kubernetes_service']);
const EXPOSED = new Set(['LoadBalancer', 'NodePort']);

export function newlyPublic(c: Change): string | null {
  if (SERVICE.has(resourceType(c)) && c.action !== 'remove') {
    const was = String(before(c, 'spec', 'type') ?? 'ClusterIP');
    const is = String(after(c, 'spec', 'type') ?? 'ClusterIP');
    if (EXPOSED.has(is) && (c.action === 'add' || !EXPOSED.has(was)))
      return `service ${c.id} is now type ${is}: reachable from outside the cluster`;
    const ipsA = (before(c, 'spec', 'external_ips') ?? []) as string[];
    const ipsB = (after(c, 'spec', 'external_ips') ?? []) as string[];
    const added = ipsB.filter((ip) => !ipsA.includes(ip));
    if (added.length) return `service ${c.id} gains external IPs ${added.join(', ')}`;
  }
  if (
    c.kind === 'AWS::S3::Bucket' &&
    c.facts.publicBlockedBefore === true &&
    c.facts.publicBlockedAfter === false
  )
    return `bucket ${c.id} no longer blocks public access (PublicAccessBlockConfiguration)`;
  if (c.kind === 'AWS::S3::BucketPolicy' && c.facts.anyoneAfter === true && c.facts.anyoneBefore !== true)
    return `bucket policy ${c.id} allows anyone (Principal "*") without a condition`;
  return null;
}
