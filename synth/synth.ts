/**
 * The synth pipeline: run every registered view over the model, digest the artifacts into the
 * manifest, and replace out/ atomically. Same model, same bytes.
 */
import { posix } from 'node:path';
import { type CityModel, UserError } from '../model/index.ts';
import type { Artifact, View } from '../view/view.ts';
import { recoverLeftovers, replaceFolder } from './atomic-folder.ts';
import { buildManifest, MANIFEST_FILE, type Manifest, toBytes } from './manifest.ts';
import { checkOutFolder } from './out-folder.ts';
import type { SynthCache } from './synth-cache.ts';
import { VIEWS } from './views.ts';

export { MANIFEST_FILE };

/** A view produced something synth cannot write: a bug in the view, not in the inventory. */
export class ViewError extends UserError {
  /** Exit 70: a bug in a view. */
  readonly exitCode = 70;
  constructor(view: string, message: string) {
    super(`view ${view}: ${message}`);
  }
}

export interface SynthOptions {
  readonly model: CityModel;
  /** The inventory files and their digests, recorded in the manifest. */
  readonly inputs: readonly { path: string; sha256: string }[];
  readonly outDir: string;
  readonly views?: readonly View[];
  /** Parts rendered before, by content; none: render everything. */
  readonly cache?: SynthCache | undefined;
  readonly progress?: ((line: string) => void) | undefined;
  /** Files the output folder must not hold (the inventory's). */
  readonly keep?: readonly string[];
  /** Told what was recovered from a synth killed earlier (a folder removed or put back). */
  readonly notice?: ((line: string) => void) | undefined;
}

export interface SynthResult {
  readonly manifest: Manifest;
  readonly outDir: string;
  /** Total bytes written, manifest included. */
  readonly bytes: number;
}

function checkPath(view: string, path: string, seen: Map<string, string>): void {
  const normal = posix.normalize(path);
  if (
    path === '' ||
    path.startsWith('/') ||
    normal !== path ||
    normal.startsWith('..') ||
    path === MANIFEST_FILE
  )
    throw new ViewError(
      view,
      `artifact path "${path}" must be a normalized relative path other than ${MANIFEST_FILE}`,
    );
  const other = seen.get(path);
  if (other) throw new ViewError(view, `artifact path "${path}" is also written by view ${other}`);
  seen.set(path, view);
}

/** Renders every view, then writes out/ (artifacts + manifest.json) in one atomic step. */
export async function synthesize(opts: SynthOptions): Promise<SynthResult> {
  checkOutFolder(opts.outDir, opts.keep);
  for (const line of recoverLeftovers(opts.outDir)) opts.notice?.(line);
  const artifacts: Artifact[] = [];
  const seen = new Map<string, string>();
  const views = opts.views ?? VIEWS;
  // every view starts before any is awaited: one that works on another thread overlaps the rest
  const rendered: Promise<readonly Artifact[]>[] = [];
  for (const view of views)
    rendered.push((async () => view.render(opts.model, { cache: opts.cache, progress: opts.progress }))());
  // (a view failing must not leave the others' rejections unobserved)
  const settled = await Promise.allSettled(rendered);
  for (const [i, result] of settled.entries()) {
    if (result.status === 'rejected') throw result.reason;
    for (const a of result.value) {
      checkPath((views[i] as View).name, a.path, seen);
      // encoded once: the digests and the files are both made from these bytes
      artifacts.push({ ...a, content: toBytes(a.content) });
    }
  }
  const manifest = buildManifest(opts.model, opts.inputs, artifacts);
  const files = new Map<string, Uint8Array>();
  for (const a of artifacts) files.set(a.path, a.content as Uint8Array);
  files.set(MANIFEST_FILE, toBytes(`${JSON.stringify(manifest, null, 2)}\n`));
  replaceFolder(opts.outDir, files);
  let bytes = 0;
  for (const b of files.values()) bytes += b.byteLength;
  return { manifest, outDir: opts.outDir, bytes };
}

/** Warms every view that can be (see View.warm), concurrently; writes nothing. */
export async function warmViews(model: CityModel, views: readonly View[] = VIEWS): Promise<void> {
  await Promise.all(views.map((v) => v.warm?.(model)));
}
