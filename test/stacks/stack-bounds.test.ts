// integration: synthesizes the stacks of the city at every scale (vitest.config.ts)
/**
 * No Terraform stack exceeds the inventory's bound, at any scale, and a split never moves a
 * resource: adding a row or shards adds stacks (or fills the last one), nothing changes stack.
 */
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { generateCityYaml } from '../../scripts/generate-city.ts';
import { terraformView } from '../../stacks/terraform-view.ts';
import { BUILTIN_CITY, modelOf, type RawCity, smallCity, writeCity } from '../helpers/city.ts';

/** Resources per stack, and the stack of every resource address, of a model's Terraform view. */
async function stacksOf(model: CityModel) {
  const perStack = new Map<string, number>();
  const stackOf = new Map<string, string>();
  for (const a of await terraformView.render(model)) {
    const m = /^terraform\/stacks\/([^/]+)\/cdk\.tf\.json$/.exec(a.path);
    if (!m) continue;
    const json = JSON.parse(String(a.content)) as { resource?: Record<string, Record<string, unknown>> };
    let n = 0;
    for (const [type, byName] of Object.entries(json.resource ?? {}))
      for (const name of Object.keys(byName)) {
        stackOf.set(`${type}.${name}`, m[1] as string);
        n++;
      }
    perStack.set(m[1] as string, n);
  }
  return { perStack, stackOf };
}

describe.each([1, 10, 30])('the Terraform stacks of the %ix city', (scale) => {
  it('each hold at most stacks.maxResources (500)', async () => {
    const file =
      scale === 1 ? BUILTIN_CITY : writeCity({ 'city.yaml': generateCityYaml(BUILTIN_CITY, scale) });
    const model = loadCity(file).model as CityModel;
    const { perStack } = await stacksOf(model);
    const over = [...perStack].filter(([, n]) => n > model.stacks.maxResources);
    expect(over).toEqual([]);
    expect(perStack.size).toBeGreaterThan(scale === 1 ? 12 : 20);
  }, 120_000);
});

describe('splitting the stacks', () => {
  it('gives every row of racks its own platform stack', async () => {
    const { perStack } = await stacksOf(modelOf(smallCity()));
    expect([...perStack.keys()].filter((s) => s.startsWith('platform'))).toEqual([
      'platform',
      'platform-h1-r01',
    ]);
  });

  it('moves no resource to another stack when a row is added', async () => {
    const before = await stacksOf(modelOf(smallCity()));
    const city: RawCity = smallCity();
    city.datacentre.halls[0].rows.push({
      id: 'r02',
      racks: [{ id: 'k01', servers: [{ u: 1, count: 4, model: 'm1', pool: 'web' }] }],
    });
    const after = await stacksOf(modelOf(city));
    for (const [address, stack] of before.stackOf) expect(after.stackOf.get(address), address).toBe(stack);
    expect(after.perStack.get('platform-h1-r02')).toBe(4);
  });

  it('cuts a warehouse’s shards into stacks within the bound, and adding shards moves none', async () => {
    const city: RawCity = smallCity();
    city.stacks = { maxResources: 150 };
    // (150 - 22) / 5 = 25 shards a stack: a ClickHouse shard may have its two backup CronJobs
    city.warehouses[0].shards = 60;
    const before = await stacksOf(modelOf(city));
    expect([...before.perStack.keys()].filter((s) => s.startsWith('warehouse-'))).toEqual([
      'warehouse-wa',
      'warehouse-wa-shards-2',
      'warehouse-wa-shards-3',
    ]);
    for (const [stack, n] of before.perStack) expect(n, stack).toBeLessThanOrEqual(150);
    city.warehouses[0].shards = 99;
    const after = await stacksOf(modelOf(city));
    for (const [address, stack] of before.stackOf) expect(after.stackOf.get(address), address).toBe(stack);
    expect(after.perStack.has('warehouse-wa-shards-4')).toBe(true);
  });
});
