/**
 * A shard's name is its number, never the count of its siblings: growing a warehouse from 9 to
 * 10 shards, or from 99 to 100, adds shards and changes no existing shard's resources (a renamed
 * StatefulSet is a replaced one, its volumes gone with it). The built-in city's names are kept.
 */
import { describe, expect, it } from 'vitest';
import { shardNames } from '../../constructs/warehouse/warehouse-shards.ts';
import { type CityModel, loadCity } from '../../model/index.ts';
import { terraformView } from '../../stacks/terraform-view.ts';
import { BUILTIN_CITY, modelOf, smallCity } from '../helpers/city.ts';

/** Every resource of the warehouse stacks of the small city with `shards` shards: address → body. */
async function warehouseResources(shards: number): Promise<Map<string, string>> {
  const city = smallCity();
  city.warehouses[0].shards = shards;
  const artifacts = await terraformView.render(modelOf(city));
  const found = new Map<string, string>();
  for (const a of artifacts.filter((x) => /^terraform\/stacks\/warehouse-/.test(x.path))) {
    const stack = a.path.split('/')[2] as string;
    const json = JSON.parse(String(a.content)) as { resource: Record<string, Record<string, unknown>> };
    for (const [type, byName] of Object.entries(json.resource))
      for (const [name, body] of Object.entries(byName))
        found.set(`${stack} ${type}.${name}`, JSON.stringify(body));
  }
  return found;
}

describe('shard names', () => {
  it('are fixed by the shard’s number: -s01 … -s99, then -s100', () => {
    const w = { id: 'wa' };
    expect(shardNames(w, { from: 8, to: 10 })).toEqual(['wa-s08', 'wa-s09', 'wa-s10']);
    expect(shardNames(w, { from: 98, to: 101 })).toEqual(['wa-s98', 'wa-s99', 'wa-s100', 'wa-s101']);
    expect(shardNames(w, { from: 1, to: 1 })).toEqual(['wa-s01']);
  });

  it('are the built-in city’s as they were', () => {
    const model = loadCity(BUILTIN_CITY).model as CityModel;
    const population = model.warehouses.find((w) => w.id === 'population') as CityModel['warehouses'][number];
    expect(shardNames(population, { from: 1, to: population.shards })).toEqual(
      Array.from({ length: 16 }, (_, i) => `population-s${String(i + 1).padStart(2, '0')}`),
    );
  });

  for (const [from, to] of [
    [9, 10],
    [99, 100],
  ] as const)
    it(`change no existing shard’s resources from ${from} to ${to} shards`, async () => {
      const before = await warehouseResources(from);
      const after = await warehouseResources(to);
      const changed = [...before].filter(([k, body]) => after.get(k) !== body).map(([k]) => k);
      expect(changed).toEqual([]);
      const added = [...after.keys()].filter((k) => !before.has(k));
      expect(added.some((k) => k.endsWith(`.wa-s${to}`))).toBe(true);
    });
});
