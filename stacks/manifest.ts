/** out/manifest.json: what the inventory holds and the digest of every artifact synth wrote. */
import { createHash } from 'node:crypto';
import { type CityModel, countInventory, type InventoryCounts } from '../model/index.ts';
import type { Artifact } from './view.ts';

export const MANIFEST_FORMAT = 'citycloud-manifest/v1';

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
  /** Terraform resources per stack and per type, from the synthesized stacks. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly artifacts: readonly ManifestEntry[];
}

export const toBytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? Buffer.from(content, 'utf8') : content;

const STACK_FILE = /^terraform\/stacks\/([^/]+)\/cdk\.tf\.json$/;

/** Resources per stack and type: `{platform: {kubernetes_labels: 1012, …}}`, names sorted. */
export function terraformResources(artifacts: readonly Artifact[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const a of [...artifacts].sort((x, y) => (x.path < y.path ? -1 : 1))) {
    const stack = STACK_FILE.exec(a.path)?.[1];
    if (!stack) continue;
    const json = JSON.parse(
      typeof a.content === 'string' ? a.content : Buffer.from(a.content).toString('utf8'),
    ) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    const types = Object.keys(json.resource ?? {}).sort();
    out[stack] = Object.fromEntries(types.map((t) => [t, Object.keys(json.resource?.[t] ?? {}).length]));
  }
  return out;
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
    resources: terraformResources(artifacts),
    inputs: [...inputs].sort((a, b) => (a.path < b.path ? -1 : 1)),
    artifacts: entries,
  };
}
