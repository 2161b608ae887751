/**
 * `citycloud diff OLD NEW`: the artifacts whose digests differ between two synth outputs, each
 * diffed by what it is (Terraform stack, CloudFormation template, the model, the topology, a
 * monitoring file), the changes ranked by the risk rules. Files with the same digest are not read.
 */
import { artifactRole } from '../synth/out-layout.ts';
import { AuditInputError } from './audit-error.ts';
import type { Change } from './change.ts';
import { reconcileDerived } from './derived-changes.ts';
import { diffCloudFormation } from './diff-cloudformation.ts';
import { diffInventory } from './diff-inventory.ts';
import { diffMonitoringFile, diffTargetFile, monitoringFileKind, pairMovedRules } from './diff-monitoring.ts';
import { diffNetwork, TOPOLOGY_FILE } from './diff-network.ts';
import { diffTerraformStack } from './diff-terraform.ts';
import { modelDelta } from './model-delta.ts';
import type { OutputSide } from './output-side.ts';
import { countRead } from './reader-stats.ts';
import { countByLevel, type RankedChange, rankChanges } from './risk/rank-changes.ts';
import type { RiskLevel } from './risk/risk-rule.ts';
import { DuplicateKeyError, parseStrictJson } from './strict-json.ts';
import { stackResources } from './terraform-index.ts';

export const AUDIT_SCHEMA = 'citycloud-audit-diff/v1';

const TERRAFORM_STACK = /^terraform\/stacks\/([^/]+)\/cdk\.tf\.json$/;
const CLOUDFORMATION_STACK = /^cloudformation\/([^/]+)\.template\.json$/;
const MODEL_FILE = 'model/city.json';

/**
 * What a changed file is diffed as; null for files derived from one of these (CSV, HTML, tests,
 * metadata); 'unknown' for a file synth never writes (synth/out-layout.ts), which is reported as
 * such — no differ can say what it does, and a tool may read it.
 */
export function semanticKind(
  path: string,
): 'terraform' | 'cloudformation' | 'inventory' | 'network' | 'monitoring' | 'unknown' | null {
  if (artifactRole(path) === null) return 'unknown';
  if (TERRAFORM_STACK.test(path)) return 'terraform';
  if (CLOUDFORMATION_STACK.test(path)) return 'cloudformation';
  if (path === MODEL_FILE) return 'inventory';
  if (path === TOPOLOGY_FILE) return 'network';
  if (monitoringFileKind(path)) return 'monitoring';
  return null;
}

export interface FileChange {
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** How it was diffed; null: derived from a file that was (its changes are reported there). */
  readonly diffedAs: string | null;
}

export interface SideSummary {
  readonly label: string;
  readonly manifestSha256: string;
  readonly city: { readonly name: string; readonly code: string };
  readonly artifacts: number;
}

export interface AuditReport {
  readonly schema: typeof AUDIT_SCHEMA;
  readonly old: SideSummary;
  readonly new: SideSummary;
  readonly counts: Record<RiskLevel, number>;
  readonly files: { readonly unchanged: number; readonly changed: readonly FileChange[] };
  readonly changes: readonly RankedChange[];
}

const side = (s: OutputSide): SideSummary => ({
  label: s.label,
  manifestSha256: s.manifestSha256,
  city: s.manifest.city,
  artifacts: s.manifest.artifacts.length,
});

export function changedFiles(a: OutputSide, b: OutputSide): { unchanged: number; changed: FileChange[] } {
  const paths = [...new Set([...a.digests.keys(), ...b.digests.keys()])].sort();
  let unchanged = 0;
  const changed: FileChange[] = [];
  for (const path of paths) {
    const x = a.digests.get(path);
    const y = b.digests.get(path);
    if (x === y) {
      unchanged++;
      continue;
    }
    changed.push({ path, status: !x ? 'added' : !y ? 'removed' : 'changed', diffedAs: semanticKind(path) });
  }
  return { unchanged, changed };
}

/** A file parsed whole; the NEW side strictly (a key twice is refused: a tool would read it otherwise). */
const json = (side: OutputSide, path: string, strict = false) =>
  side.digests.has(path)
    ? strict
      ? parseStrictJson(side.text(path))
      : (JSON.parse(side.text(path)) as unknown)
    : undefined;
const text = (side: OutputSide, path: string) => (side.digests.has(path) ? side.text(path) : undefined);
const bytes = (side: OutputSide, path: string) => (side.digests.has(path) ? side.bytes(path) : undefined);

/**
 * The changes in one changed file. A file that does not parse, or gives a key twice (which
 * Terraform reads otherwise than JSON.parse), is refused as input (exit 2), naming it.
 */
export function diffFile(a: OutputSide, b: OutputSide, file: FileChange): Change[] {
  try {
    return changesIn(a, b, file);
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof DuplicateKeyError)
      throw new AuditInputError(
        `${b.label}: ${file.path} cannot be diffed: ${err instanceof DuplicateKeyError ? err.message : `it is not valid JSON (${err.message.slice(0, 80)})`}; expected the file synth writes`,
      );
    throw err;
  }
}

function changesIn(a: OutputSide, b: OutputSide, file: FileChange): Change[] {
  const { path } = file;
  switch (file.diffedAs) {
    case 'terraform': {
      const stack = TERRAFORM_STACK.exec(path)?.[1] as string;
      // the side under review is read strictly: no key twice, as Terraform reads it
      return diffTerraformStack(
        path,
        stack,
        stackResources(bytes(a, path)),
        stackResources(bytes(b, path), true),
      );
    }
    case 'cloudformation': {
      const stack = CLOUDFORMATION_STACK.exec(path)?.[1] as string;
      return diffCloudFormation(path, stack, json(a, path) as never, json(b, path, true) as never);
    }
    case 'inventory': {
      // line by line where both sides are there and laid out as synth writes them; else whole
      const delta = file.status === 'changed' ? modelDelta(a.bytes(path), b.bytes(path)) : null;
      countRead('model', delta !== null);
      if (delta) return diffInventory(delta.before, delta.after, delta.servers);
      return diffInventory(
        (json(a, path) ?? EMPTY_MODEL) as never,
        (json(b, path, true) ?? EMPTY_MODEL) as never,
      );
    }
    case 'network':
      return diffNetwork((json(a, path) ?? {}) as never, (json(b, path, true) ?? {}) as never);
    case 'monitoring':
      return monitoringFileKind(path) === 'targets'
        ? diffTargetFile(path, bytes(a, path), bytes(b, path))
        : diffMonitoringFile(path, text(a, path), text(b, path));
    case 'unknown':
      return [
        {
          area: 'output',
          artifact: path,
          kind: 'file',
          id: path,
          action: file.status === 'added' ? 'add' : file.status === 'removed' ? 'remove' : 'change',
          summary: `${path} ${file.status}: a file synth never writes (Terraform, OpenTofu or the AWS CDK may read it; no differ can say what it does)`,
          attributes: [],
          facts: { of: 'file', unknown: true },
        },
      ];
    default:
      return [];
  }
}

/** A model with nothing in it, for a side without model/city.json. */
const EMPTY_MODEL = {
  racks: [],
  servers: [],
  pools: [],
  serverModels: [],
  warehouses: [],
  tenants: [],
  externalSystems: [],
  offsite: null,
  secondSite: null,
};

export async function auditDiff(a: OutputSide, b: OutputSide): Promise<AuditReport> {
  const files = changedFiles(a, b);
  // every file to diff read first, the largest first: their digests are then made on the digest
  // thread while the diff works, instead of after it
  const size = (p: string) =>
    Math.max(...[a, b].map((s) => s.manifest.artifacts.find((x) => x.path === p)?.bytes ?? 0));
  for (const f of [...files.changed]
    .filter((x) => x.diffedAs && x.diffedAs !== 'unknown')
    .sort((x, y) => size(y.path) - size(x.path)))
    for (const s of [a, b]) if (s.digests.has(f.path)) s.bytes(f.path);
  let changes: RankedChange[];
  try {
    changes = rankChanges(reconcileDerived(pairMovedRules(files.changed.flatMap((f) => diffFile(a, b, f)))));
  } catch (err) {
    // a file changed after synth may not even parse: say that, rather than how it failed to
    await Promise.all([a.verified(), b.verified()]);
    throw err;
  }
  // nothing is reported from a file that is not the one its manifest lists
  await Promise.all([a.verified(), b.verified()]);
  return { schema: AUDIT_SCHEMA, old: side(a), new: side(b), counts: countByLevel(changes), files, changes };
}
