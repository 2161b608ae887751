/**
 * A view whose output is kept in the synth cache under the digest of its slice of the model: when
 * the slice is unchanged (the network when a server is added, say) its files are read back instead
 * of rendered again.
 */
import type { CityModel } from '../model/index.ts';
import type { SynthCache } from './synth-cache.ts';
import type { Artifact, RenderContext, View } from './view.ts';

interface Stored {
  readonly path: string;
  readonly base64: string;
}

export const storeArtifacts = (artifacts: readonly Artifact[]): string =>
  JSON.stringify(artifacts.map((a) => ({ path: a.path, base64: Buffer.from(a.content).toString('base64') })));

export const loadArtifacts = (stored: string): Artifact[] =>
  (JSON.parse(stored) as Stored[]).map((a) => ({ path: a.path, content: Buffer.from(a.base64, 'base64') }));

/** The artifacts of `unit` for `slice` from the cache, or rendered and stored. */
export async function throughCache(
  cache: SynthCache | undefined,
  unit: string,
  slice: unknown,
  render: () => readonly Artifact[] | Promise<readonly Artifact[]>,
): Promise<{ artifacts: readonly Artifact[]; cached: boolean }> {
  const key = cache?.key(unit, slice);
  const stored = cache && key ? cache.get(key) : null;
  if (stored !== null) return { artifacts: loadArtifacts(stored), cached: true };
  const artifacts = await render();
  if (cache && key) cache.put(key, storeArtifacts(artifacts));
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
  };
}
