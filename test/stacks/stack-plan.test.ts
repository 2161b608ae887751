import { App } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServerPool } from '../../constructs/server-pool.ts';
import type { CityModel } from '../../model/index.ts';
import { CityStack } from '../../stacks/city-stack.ts';
import { platformPlans } from '../../stacks/platform-stack.ts';
import { renderPlan } from '../../stacks/stack-plan.ts';
import { SynthCache } from '../../synth/synth-cache.ts';
import { modelOf, smallCity, tempDir } from '../helpers/city.ts';

const small = modelOf(smallCity());
/** The small city's only row of racks, as its platform stack: platform-h1-r01. */
const rowPlan = (model: CityModel) => platformPlans(model)[1] as ReturnType<typeof platformPlans>[number];
/** The small city with one more web server, in rack k02. */
const withServer = () => {
  const raw = smallCity();
  raw.datacentre.halls[0].rows[0].racks[1].servers.push({ u: 20, count: 1, model: 'm1', pool: 'web' });
  return modelOf(raw);
};

/** The row's platform stack as one would write it: one cdktf stack, one ServerPool per pool. */
function wholeStack(model: CityModel): Record<string, Record<string, object>> {
  const stack = new CityStack(new App({ skipValidation: true }), 'platform-h1-r01', model.terraformState);
  for (const pool of model.pools)
    new ServerPool(stack, `pool-${pool.id}`, {
      pool,
      servers: model.servers.filter((s) => s.pool === pool.id),
    });
  return (stack.toTerraform() as { resource: Record<string, Record<string, object>> }).resource;
}

describe('a stack rendered in parts', () => {
  it('has exactly the resources, bodies and metadata paths of the same stack rendered whole', async () => {
    const parts = JSON.parse((await renderPlan(rowPlan(small))).content);
    const whole = wholeStack(small);
    expect(Object.keys(parts.resource)).toEqual(Object.keys(whole).sort());
    for (const [type, byName] of Object.entries(whole)) expect(parts.resource[type]).toEqual(byName);
    expect(parts.resource.kubernetes_labels['dc1-h1-r01-k01-u01']['//'].metadata.path).toBe(
      'platform-h1-r01/pool-web/labels-dc1-h1-r01-k01-u01',
    );
    expect(parts.terraform.backend).toEqual({ local: { path: '../../../../state/platform-h1-r01.tfstate' } });
    // names sorted within each type: the order never depends on which parts came from the cache
    const names = Object.keys(parts.resource.kubernetes_labels);
    expect(names).toEqual([...names].sort());
  });

  it('takes unchanged parts from the cache and re-renders only the pool of an added server, to the same bytes', async () => {
    const cache = new SynthCache(tempDir());
    const first = await renderPlan(rowPlan(small), cache);
    expect([first.rendered, first.cached]).toEqual([2, 0]); // web's part of the row, wh-a's
    const again = await renderPlan(rowPlan(small), cache);
    expect([again.rendered, again.cached, again.content]).toEqual([0, 2, first.content]);

    const bigger = withServer();
    const incremental = await renderPlan(rowPlan(bigger), cache);
    expect([incremental.rendered, incremental.cached]).toEqual([1, 1]);
    const full = await renderPlan(rowPlan(bigger));
    expect(incremental.content).toBe(full.content);
    expect(JSON.parse(full.content).resource.kubernetes_labels).toHaveProperty('dc1-h1-r01-k02-u20');
  });

  it('keys a part by its slice, the state backend and the code that renders it', () => {
    const cache = new SynthCache(tempDir());
    const key = cache.key('terraform/platform/pool-web/h1-r01', [{ backend: 'local' }, { a: 1 }]);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.key('terraform/platform/pool-web/h1-r01', [{ backend: 'local' }, { a: 1 }])).toBe(key);
    expect(cache.key('terraform/platform/pool-web/h1-r01', [{ backend: 'local' }, { a: 2 }])).not.toBe(key);
    expect(cache.key('terraform/platform/pool-web/h1-r01', [{ backend: 'pg' }, { a: 1 }])).not.toBe(key);
    expect(cache.get(key)).toBeNull();
    cache.put(key, '{"x":1}');
    expect(cache.get(key)).toBe('{"x":1}');
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('refuses two parts of one name', async () => {
    const plan = rowPlan(small);
    await expect(
      renderPlan({ ...plan, parts: [...plan.parts, plan.parts[0] as (typeof plan.parts)[0]] }),
    ).rejects.toThrow('stack platform-h1-r01: two parts are both called pool-web');
  });
});
