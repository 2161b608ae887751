/**
 * `citycloud diff --plan plan.json`: a plan made by `citycloud deploy` (out/plans/<stack>.json)
 * or by hand with Terraform or OpenTofu, through the same risk rules and formats as a diff of
 * two outputs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { AUDIT_SCHEMA, type AuditReport } from './audit-diff.ts';
import { AuditInputError } from './audit-error.ts';
import { parsePlan, planChanges } from './plan-changes.ts';
import { countByLevel, rankChanges } from './risk/rank-changes.ts';

export function planReport(file: string): AuditReport {
  if (!existsSync(file)) throw new AuditInputError(`--plan ${file}: no such file`);
  const text = readFileSync(file, 'utf8');
  const plan = parsePlan(text, file);
  // citycloud deploy writes out/plans/<stack>.json: the file names the stack
  const stack = basename(dirname(file)) === 'plans' ? basename(file, '.json') : undefined;
  const changes = rankChanges(planChanges(plan, basename(file), stack));
  const none = { name: '', code: '' };
  return {
    schema: AUDIT_SCHEMA,
    old: { label: 'the state the plan was made against', manifestSha256: '', city: none, artifacts: 0 },
    new: {
      label: `${file} (${plan.terraform_version ? `Terraform ${plan.terraform_version}` : 'plan'})`,
      manifestSha256: createHash('sha256').update(text).digest('hex'),
      city: none,
      artifacts: 1,
    },
    counts: countByLevel(changes),
    files: { unchanged: 0, changed: [{ path: basename(file), status: 'changed', diffedAs: 'plan' }] },
    changes,
  };
}
