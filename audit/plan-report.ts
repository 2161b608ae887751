/**
 * `citycloud diff --plan PLAN`: a plan made by `citycloud deploy` — one stack's JSON
 * (out/plans/<stack>.json) or the whole plans folder (out/plans/) — or one made by hand with
 * Terraform or OpenTofu, through the same risk rules and formats as a diff of two outputs.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { AUDIT_SCHEMA, type AuditReport } from './audit-diff.ts';
import { AuditInputError } from './audit-error.ts';
import type { Change } from './change.ts';
import { parsePlan, planChanges } from './plan-changes.ts';
import { type PlansIndex, planJsonFile, readPlannedStack, readPlansIndex } from './plans-folder.ts';
import { readArtifact, sha256Hex } from './reviewed-output.ts';
import { countByLevel, rankChanges } from './risk/rank-changes.ts';

const NONE = { name: '', code: '' };

function report(label: string, sha256: string, files: { path: string; changes: Change[] }[]): AuditReport {
  const changes = rankChanges(files.flatMap((f) => f.changes));
  return {
    schema: AUDIT_SCHEMA,
    old: { label: 'the state the plan was made against', manifestSha256: '', city: NONE, artifacts: 0 },
    new: { label, manifestSha256: sha256, city: NONE, artifacts: files.length },
    counts: countByLevel(changes),
    files: {
      unchanged: 0,
      changed: files.map((f) => ({ path: f.path, status: 'changed' as const, diffedAs: 'plan' })),
    },
    changes,
  };
}

/** The report of every stack a plans folder holds, each plan file checked against the index. */
export function plansFolderReport(dir: string): { report: AuditReport; index: PlansIndex } {
  const index = readPlansIndex(dir);
  const files = index.stacks.map((s) => {
    const { json } = readPlannedStack(dir, s);
    const name = planJsonFile(s.stack);
    return {
      path: name,
      changes: planChanges(parsePlan(json.toString('utf8'), `${dir}/${name}`), name, s.stack),
    };
  });
  const label = `${dir} (${index.stacks.length} stack${index.stacks.length === 1 ? '' : 's'}, ${index.tool})`;
  return { report: report(label, sha256Hex(JSON.stringify(index)), files), index };
}

export function planReport(path: string): AuditReport {
  if (!existsSync(path)) throw new AuditInputError(`--plan ${path}: no such file or folder`);
  if (statSync(path).isDirectory()) return plansFolderReport(path).report;
  const read = readArtifact(dirname(path), basename(path));
  if ('problem' in read) throw new AuditInputError(`--plan ${path}: ${read.problem}`);
  const text = read.bytes.toString('utf8');
  const plan = parsePlan(text, path);
  // citycloud deploy writes out/plans/<stack>.json: the file names the stack
  const stack = basename(dirname(path)) === 'plans' ? basename(path, '.json') : undefined;
  return report(
    `${path} (${plan.terraform_version ? `Terraform ${plan.terraform_version}` : 'plan'})`,
    sha256Hex(read.bytes),
    [{ path: basename(path), changes: planChanges(plan, basename(path), stack) }],
  );
}
