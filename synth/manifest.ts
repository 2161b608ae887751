/** out/manifest.json: what the inventory holds and the digest of every artifact synth wrote. */
import { createHash } from 'node:crypto';
import { type CityModel, countInventory, type InventoryCounts } from '../model/index.ts';
import type { Artifact } from '../view/view.ts';

export const MANIFEST_FORMAT = 'citycloud-manifest/v1';
/** Every format a citycloud output's manifest has had: synth replaces only such a folder. */
export const MANIFEST_FORMATS = [MANIFEST_FORMAT] as const;
/** The manifest's name, at the top of the output folder. */
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly city: { readonly name: string; readonly code: string };
  readonly inventory: InventoryCounts;
  /** The inventory files, relative to the root file's folder, with their digests. */
  readonly inputs: readonly { readonly path: string; readonly sha256: string }[];
  /** Resources per stack and per type, from the synthesized Terraform and CloudFormation stacks. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly artifacts: readonly ManifestEntry[];
}

export const toBytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? Buffer.from(content, 'utf8') : content;

const TERRAFORM_STACK = /^terraform\/stacks\/([^/]+)\/cdk\.tf\.json$/;
const CLOUDFORMATION_STACK = /^cloudformation\/([^/]+)\.template\.json$/;

const parse = (a: Artifact) =>
  JSON.parse(typeof a.content === 'string' ? a.content : Buffer.from(a.content).toString('utf8'));

/**
 * Resources per stack and type, `{platform: {kubernetes_labels: 1012, …}, offsite: {'AWS::S3::Bucket': 11, …}}`,
 * stacks and types sorted.
 */
export function stackResources(artifacts: readonly Artifact[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const a of [...artifacts].sort((x, y) => (x.path < y.path ? -1 : 1))) {
    const terraform = TERRAFORM_STACK.exec(a.path)?.[1];
    if (terraform && a.resources) out[terraform] = { ...a.resources };
    else if (terraform) {
      const json = parse(a) as { resource?: Record<string, Record<string, unknown>> };
      const types = Object.keys(json.resource ?? {}).sort();
      out[terraform] = Object.fromEntries(
        types.map((t) => [t, Object.keys(json.resource?.[t] ?? {}).length]),
      );
    }
    const cloudformation = CLOUDFORMATION_STACK.exec(a.path)?.[1];
    if (cloudformation) {
      const json = parse(a) as { Resources?: Record<string, { Type: string }> };
      const counts = new Map<string, number>();
      for (const r of Object.values(json.Resources ?? {})) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
      out[cloudformation] = Object.fromEntries([...counts].sort(([x], [y]) => (x < y ? -1 : 1)));
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : 1)));
}

export function buildManifest(
  model: CityModel,
  inputs: readonly { path: string; sha256: string }[],
  artifacts: readonly Artifact[],
): Manifest {
  const entries = artifacts
    .map((a) => {
      const bytes = toBytes(a.content);
      return {
        path: a.path,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    format: MANIFEST_FORMAT,
    city: { name: model.city.name, code: model.city.code },
    inventory: countInventory(model),
    resources: stackResources(artifacts),
    inputs: [...inputs].sort((a, b) => (a.path < b.path ? -1 : 1)),
    artifacts: entries,
  };
}
