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
  readonly artifacts: readonly ManifestEntry[];
}

export const toBytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? Buffer.from(content, 'utf8') : content;

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
    inputs: [...inputs].sort((a, b) => (a.path < b.path ? -1 : 1)),
    artifacts: entries,
  };
}
