import { describe, expect, it } from 'vitest';
import { countInventory, loadCity, readInventory } from '../../../model/index.ts';
import { generateCityYaml } from '../../../scripts/generate-city.ts';
import { scaleCity } from '../../../scripts/generators/scale-city.ts';
import { BUILTIN_CITY, loadData, SMALL_CITY, writeCity } from '../../helpers/city.ts';

describe('scaleCity', () => {
  it('doubles the small city into a valid city with new stable ids', () => {
    const { raw } = readInventory(SMALL_CITY);
    const { model, findings } = loadData(scaleCity(raw, 2));
    expect(findings).toEqual([]);
    if (!model) return;
    expect(countInventory(model)).toEqual({
      servers: 28,
      serversByPhase: { 'in-service': 28 },
      racks: 6,
      pools: 2,
      // cores stay 2; districts, wards and units double; agency copies get no per-district branches
      connectionPoints: 2 + 2 * (2 + 4 + 2 + 1 + 1) + 4,
      warehouses: 1,
      publicServices: { total: 12, full: 8, partial: 4 },
      tenants: 1,
    });
    expect(model.datacentre.halls.map((h) => h.id)).toEqual(['h1', 'h2']);
    expect(model.network.points.filter((p) => p.level === 'district').map((p) => [p.id, p.code])).toEqual([
      ['d001', '001'],
      ['d002', '002'],
      ['d001x2', '2001'],
      ['d002x2', '2002'],
    ]);
    // the copies back up within their own copy
    expect(model.network.links.find((l) => l.from === 'w210001' && l.role === 'backup')?.to).toBe('d002x2');
  });

  it('keeps the original as copy 1, unchanged', () => {
    const { raw } = readInventory(SMALL_CITY);
    expect(scaleCity(raw, 1)).toEqual({ ...raw, include: undefined });
  });

  it('refuses a factor that is not a whole number ≥ 1', () => {
    const { raw } = readInventory(SMALL_CITY);
    expect(() => scaleCity(raw, 0)).toThrow('scale factor must be a whole number ≥ 1, got 0');
    expect(() => scaleCity(raw, 2.5)).toThrow(RangeError);
  });
});

describe('generateCityYaml', () => {
  it('writes the 10x city: valid, 10,000+ servers and 8,000+ connection points, in one compact file', () => {
    const yaml = generateCityYaml(BUILTIN_CITY, 10);
    expect(yaml).toMatch(/^# A 10x copy of city\.yaml/);
    expect(yaml).toContain('- { code: "26734", name: Phường Tân Định, type: ward }');
    const { model, findings } = loadCity(writeCity({ 'city-10x.yaml': yaml }));
    expect(findings).toEqual([]);
    if (!model) return;
    const counts = countInventory(model);
    expect(counts.servers).toBe(10_760);
    expect(counts.connectionPoints).toBe(8_182);
    expect(counts.publicServices).toEqual({ total: 7_400, full: 4_600, partial: 2_800 });
  });
});
