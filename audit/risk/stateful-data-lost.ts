/**
 * Critical: a stateful resource — a StatefulSet, a volume claim, a storage bucket, a warehouse —
 * replaced or removed. Its data goes with it (a StatefulSet's claims are kept only while its
 * retention policy says Retain; a bucket's objects do not follow it to a new bucket).
 */
import type { Change } from '../change.ts';
import { COMPLIANT, fired, NOT_APPLICABLE, type RiskOutcome, resourceType } from './risk-rule.ts';

const STATEFUL = new Set([
  'kubernetes_stateful_set_v1',
  'kubernetes_stateful_set',
  'kubernetes_persistent_volume_claim_v1',
  'kubernetes_persistent_volume_claim',
  'kubernetes_persistent_volume_v1',
  'kubernetes_persistent_volume',
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::EFS::FileSystem',
  'AWS::KMS::Key',
  'warehouse',
]);

export function statefulDataLost(c: Change): RiskOutcome {
  const type = resourceType(c);
  if (!STATEFUL.has(type)) return NOT_APPLICABLE;
  if (c.action !== 'replace' && c.action !== 'remove') return COMPLIANT;
  const forcing = c.attributes.filter((a) => a.forcesReplacement).map((a) => a.path);
  return fired(
    c.action === 'replace'
      ? `${type} ${c.id} is replaced${forcing.length ? ` (${forcing.join(', ')} cannot change in place)` : ''}: destroyed and created anew, its data with it`
      : `${type} ${c.id} is removed, and the data it holds`,
  );
}
