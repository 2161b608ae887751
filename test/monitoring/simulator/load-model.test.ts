import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../../model/index.ts';
import {
  busyAt,
  busySecondsAt,
  GROWTH_EPOCH,
  serverLoads,
} from '../../../monitoring/simulator/load-model.ts';
import { BUILTIN_CITY } from '../../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const loads = serverLoads(model);
const poolOf = new Map(model.servers.map((s) => [s.name, s.pool]));

describe('the load model', () => {
  it('grows each pool at the rate the inventory gives it (±20% per server)', () => {
    const perDay = (pool: string) =>
      loads.filter((l) => poolOf.get(l.server) === pool).map((l) => l.growthPerDay);
    for (const g of perDay('iot-ai')) expect(g).toBeGreaterThanOrEqual((0.06 / 30) * 0.8);
    for (const g of perDay('meeting')) expect(g).toBeLessThanOrEqual((0.02 / 30) * 1.2);
  });

  it('counts busy seconds whose rate is the busy share times the cores, at any instant', () => {
    const l = loads[100];
    if (!l) throw new Error('no load');
    for (const t of [GROWTH_EPOCH + 1e6, GROWTH_EPOCH + 2.5e7 + 1234]) {
      const rate = (busySecondsAt(l, t + 1) - busySecondsAt(l, t - 1)) / 2;
      expect(rate).toBeCloseTo(l.cores * busyAt(l, t), 4);
    }
  });

  it('keeps every server between idle and saturated through the year', () => {
    for (const l of loads)
      for (let day = 0; day < 365; day += 7) {
        const b = busyAt(l, GROWTH_EPOCH + day * 86_400 + 13 * 3600);
        expect(b).toBeGreaterThan(0);
        expect(b).toBeLessThan(1);
      }
  });
});
