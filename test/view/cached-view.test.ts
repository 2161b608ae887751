import { describe, expect, it } from 'vitest';
import { SynthCache } from '../../synth/synth-cache.ts';
import { VIEWS } from '../../synth/views.ts';
import { cachedView } from '../../view/cached-view.ts';
import type { View } from '../../view/view.ts';
import { modelOf, smallCity, tempDir } from '../helpers/city.ts';

describe('a cached view', () => {
  it('renders once per slice, and gives back the same bytes from the cache', async () => {
    let renders = 0;
    const view: View = {
      name: 'demo',
      render: (model) => {
        renders++;
        return [
          { path: 'demo/a.txt', content: `${model.network.points.length} points\n` },
          { path: 'demo/b.bin', content: new Uint8Array([0, 255, 10]) },
        ];
      },
    };
    const cached = cachedView(view, (model) => model.network);
    const cache = new SynthCache(tempDir());
    const model = modelOf(smallCity());
    const first = await cached.render(model, { cache });
    const again = await cached.render(model, { cache });
    expect(renders).toBe(1);
    expect(again.map((a) => [a.path, Buffer.from(a.content).toString('hex')])).toEqual(
      first.map((a) => [a.path, Buffer.from(a.content).toString('hex')]),
    );
    // a server is not in the slice; a ward is
    const raw = smallCity();
    raw.datacentre.halls[0].rows[0].racks[1].servers.push({ u: 20, count: 1, model: 'm1', pool: 'web' });
    await cached.render(modelOf(raw), { cache });
    expect(renders).toBe(1);
    raw.network.core[0].name = 'Core A (renamed)';
    await cached.render(modelOf(raw), { cache });
    expect(renders).toBe(2);
    await cached.render(model, {});
    expect(renders).toBe(3);
  });

  it('is how synth runs the network view, keyed by the city and the network section', () => {
    expect(VIEWS.map((v) => v.name)).toEqual([
      'offsite',
      'model',
      'network',
      'monitoring',
      'terraform',
      'deploy-inputs',
    ]);
  });
});
