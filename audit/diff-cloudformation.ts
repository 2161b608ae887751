/**
 * The semantic diff of a CloudFormation template, through @aws-cdk/cloudformation-diff (the diff
 * `cdk diff` prints): each resource's impact (create, update, replace, destroy) and which
 * property forces a replacement, the IAM statements added or removed and whether permissions
 * broadened, and the security-group rules. What the rules need beyond that — an S3 bucket's
 * object-lock retention and public-access block, a public principal — is read here as facts.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { attributeChanges, type Segment } from './attribute-diff.ts';
import { type Action, type Change, type Facts, valueAt } from './change.ts';

interface Template {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const ACTION: Partial<Record<ResourceImpact, Action>> = {
  [ResourceImpact.WILL_CREATE]: 'add',
  [ResourceImpact.WILL_IMPORT]: 'add',
  [ResourceImpact.WILL_UPDATE]: 'change',
  [ResourceImpact.WILL_REPLACE]: 'replace',
  [ResourceImpact.MAY_REPLACE]: 'replace',
  [ResourceImpact.WILL_DESTROY]: 'remove',
  [ResourceImpact.WILL_ORPHAN]: 'remove',
};

/** Days an object-locked bucket keeps each version (0 when it has no lock). */
function lockDays(props: unknown): number {
  const r = valueAt(props, 'ObjectLockConfiguration', 'Rule', 'DefaultRetention');
  return Number(valueAt(r, 'Days') ?? 0) + 365 * Number(valueAt(r, 'Years') ?? 0);
}

/** Days a bucket keeps a noncurrent version before expiring it (Infinity when never). */
function noncurrentDays(props: unknown): number {
  const rules = (valueAt(props, 'LifecycleConfiguration', 'Rules') ?? []) as unknown[];
  const days = rules
    .filter((r) => valueAt(r, 'Status') !== 'Disabled')
    .map((r) =>
      Number(valueAt(r, 'NoncurrentVersionExpiration', 'NoncurrentDays') ?? Number.POSITIVE_INFINITY),
    );
  return Math.min(Number.POSITIVE_INFINITY, ...days);
}

const fullyBlocked = (props: unknown) =>
  ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every(
    (k) => valueAt(props, 'PublicAccessBlockConfiguration', k) === true,
  );

/** A statement that allows anyone (Principal "*" or {AWS: "*"}) without a condition. */
function allowsAnyone(props: unknown): boolean {
  const statements = (valueAt(props, 'PolicyDocument', 'Statement') ?? []) as unknown[];
  return statements.some((s) => {
    const p = valueAt(s, 'Principal');
    return (
      valueAt(s, 'Effect') === 'Allow' &&
      (p === '*' || valueAt(p, 'AWS') === '*') &&
      valueAt(s, 'Condition') === undefined
    );
  });
}

function facts(type: string, before: unknown, after: unknown): Facts {
  if (type === 'AWS::S3::Bucket')
    return {
      of: 'cloudformation-resource',
      type,
      bucket: {
        lockDaysBefore: lockDays(before),
        lockDaysAfter: lockDays(after),
        noncurrentDaysBefore: noncurrentDays(before),
        noncurrentDaysAfter: noncurrentDays(after),
        publicBlockedBefore: before === undefined || fullyBlocked(before),
        publicBlockedAfter: after === undefined || fullyBlocked(after),
      },
    };
  if (type === 'AWS::S3::BucketPolicy')
    return {
      of: 'cloudformation-resource',
      type,
      bucketPolicy: {
        anyoneBefore: before !== undefined && allowsAnyone(before),
        anyoneAfter: after !== undefined && allowsAnyone(after),
      },
    };
  return { of: 'cloudformation-resource', type };
}

/**
 * The rows of one of cloudformation-diff's summary tables (a head row, then `+`/`-` rows) as
 * changes, each identified by what it says ("Resource: …; Effect: Allow; Action: s3:*"), numbered
 * only where two rows say the same.
 */
function tableRows(
  table: readonly (readonly string[])[],
  describe: (sign: string, text: string) => Pick<Change, 'kind' | 'summary' | 'facts'>,
): Omit<Change, 'area' | 'artifact' | 'stack'>[] {
  const [head = [], ...rows] = table;
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const sign = row[0] ?? '';
    const text = head
      .slice(1)
      .map((h, j) => (row[j + 1] ? `${h}: ${row[j + 1]}` : ''))
      .filter(Boolean)
      .join('; ');
    const n = (seen.get(text) ?? 0) + 1;
    seen.set(text, n);
    return {
      ...describe(sign, text),
      id: n > 1 ? `${text} #${n}` : text,
      action: sign === '-' ? ('remove' as const) : ('add' as const),
      attributes: [],
    };
  });
}

export function diffCloudFormation(
  artifact: string,
  stack: string,
  before: Template | undefined,
  after: Template | undefined,
): Change[] {
  const diff = fullDiff(before ?? {}, after ?? {});
  const changes: Change[] = [];
  diff.resources.forEachDifference((logicalId, rd) => {
    const action = ACTION[rd.changeImpact];
    if (!action) return;
    const type = rd.resourceType ?? 'unknown';
    const replacing = new Map<string, string>();
    for (const [name, p] of Object.entries(rd.propertyUpdates))
      if (p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE)
        replacing.set(
          name,
          `${p.changeImpact === ResourceImpact.MAY_REPLACE ? 'may replace' : 'replaces'} (CloudFormation resource specification, via @aws-cdk/cloudformation-diff)`,
        );
    const old = before?.Resources?.[logicalId]?.Properties;
    const now = after?.Resources?.[logicalId]?.Properties;
    const attributes =
      action === 'change' || action === 'replace'
        ? attributeChanges(old, now, {
            forcesReplacement: (path: readonly Segment[]) =>
              typeof path[0] === 'string' ? (replacing.get(path[0]) ?? null) : null,
          })
        : [];
    changes.push({
      area: 'cloudformation',
      artifact,
      stack,
      kind: type,
      id: logicalId,
      action,
      summary: `${type} ${logicalId} ${
        action === 'add'
          ? 'added'
          : action === 'remove'
            ? rd.changeImpact === ResourceImpact.WILL_ORPHAN
              ? 'removed from the stack (orphaned, kept in the account)'
              : 'destroyed'
            : action === 'replace'
              ? `replaced: ${[...replacing.keys()].join(', ') || 'its type changed'}`
              : `updated: ${Object.keys(rd.propertyUpdates).join(', ')}`
      }`,
      attributes,
      facts: facts(type, rd.oldValue ? (old ?? {}) : undefined, rd.newValue ? (now ?? {}) : undefined),
      objects: { before: old, after: now },
    });
  });
  // IAM statements and security-group rules, each added or removed, as cdk diff lists them
  const iam = diff.iamChanges;
  if (iam.hasChanges)
    changes.push(
      ...tableRows(iam.summarizeStatements(), (sign, text) => ({
        kind: 'iam-statement',
        summary: `IAM statement ${sign === '-' ? 'removed' : 'added'}: ${text}`,
        facts: { of: 'iam-statement', broadens: sign === '+' && iam.permissionsBroadened },
      })).map((c) => ({ ...c, area: 'cloudformation' as const, artifact, stack })),
    );
  const sg = diff.securityGroupChanges;
  if (sg.hasChanges)
    changes.push(
      ...tableRows(sg.summarize(), (sign, text) => ({
        kind: 'security-group-rule',
        summary: `security-group rule ${sign === '-' ? 'removed' : 'added'}: ${text}`,
        facts: { of: 'security-group-rule', widens: sign === '+' },
      })).map((c) => ({ ...c, area: 'cloudformation' as const, artifact, stack })),
    );
  return changes;
}
