/**
 * A view whose output is kept in the synth cache under the digest of its slice of the model: when
 * the slice is unchanged (the network when a server is added, say) its files are read back instead
 * of rendered again.
 */
import type { CityModel } from '../model/index.ts';
import type { Artifact, PartCache, RenderContext, View } from './view.ts';

interface Stored {
  readonly path: string;
  readonly sha256: string;
}

/** The artifacts as a list of paths and digests, their bytes kept as blobs (read back whole, no decoding). */
const storeArtifacts = (cache: PartCache, artifacts: readonly Artifact[]): string =>
  JSON.stringify(
    artifacts.map((a) => ({
      path: a.path,
      sha256: cache.putBlob(typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : a.content),
    })),
  );

/** The artifacts stored under an entry, or null when a blob has gone missing. */
function loadArtifacts(cache: PartCache, stored: string): Artifact[] | null {
  const artifacts: Artifact[] = [];
  for (const a of JSON.parse(stored) as Stored[]) {
    const content = cache.getBlob(a.sha256);
    if (!content) return null;
    artifacts.push({ path: a.path, content });
  }
  return artifacts;
}

/** The artifacts of `unit` for `slice` from the cache, or rendered and stored. */
export async function throughCache(
  cache: PartCache | undefined,
  unit: string,
  slice: unknown,
  render: () => readonly Artifact[] | Promise<readonly Artifact[]>,
): Promise<{ artifacts: readonly Artifact[]; cached: boolean }> {
  const key = cache?.key(unit, slice);
  const stored = cache && key ? cache.get(key) : null;
  const loaded = cache && stored !== null ? loadArtifacts(cache, stored) : null;
  if (loaded) return { artifacts: loaded, cached: true };
  const artifacts = await render();
  if (cache && key) cache.put(key, storeArtifacts(cache, artifacts));
  return { artifacts, cached: false };
}

/** `view`, cached whole under the digest of `slice(model)`: everything of the model it reads. */
export function cachedView(view: View, slice: (model: CityModel) => unknown): View {
  return {
    name: view.name,
    render: async (model: CityModel, context?: RenderContext) => {
      const r = await throughCache(context?.cache, `view/${view.name}`, slice(model), () =>
        view.render(model, context),
      );
      context?.progress?.(`view ${view.name}: ${r.cached ? 'unchanged, from cache' : 'rendered'}`);
      return r.artifacts;
    },
    warm: async (model: CityModel) => {
      await view.render(model);
    },
  };
}
