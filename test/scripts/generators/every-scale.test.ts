// integration: validates the 10x, 30x and 100x cities (vitest.config.ts)
/** Every scale is a valid city: the built-in one and its 10x, 30x and 100x copies validate. */
import { describe, expect, it } from 'vitest';
import { countInventory, hasErrors, loadCity } from '../../../model/index.ts';
import { generateCityYaml } from '../../../scripts/generate-city.ts';
import { scaleAddressing } from '../../../scripts/generators/scale-city.ts';
import { BUILTIN_CITY, writeCity } from '../../helpers/city.ts';

describe('scaleAddressing', () => {
  const ADDRESSING = {
    supernet: '10.32.0.0/11',
    loopbacks: '10.16.0.0/16',
    links: '10.24.0.0/13',
    siteSizes: { core: 24, district: 24, agency: 24, ward: 26, unit: 27 },
  };

  it('leaves the city as it is at 1x', () => {
    expect(scaleAddressing(ADDRESSING, 1)).toBe(ADDRESSING);
  });

  it('grows the supernet around the original, so pinned blocks stay inside, and moves the pools it would cover', () => {
    // 30x: 32 times the room, at most a /8; a /27 slot per site, a loopback and 4 /31s per slot
    expect(scaleAddressing(ADDRESSING, 30)).toMatchObject({
      supernet: '10.0.0.0/8',
      loopbacks: '172.16.0.0/13',
      links: '100.64.0.0/10',
    });
    expect(scaleAddressing(ADDRESSING, 2)).toMatchObject({
      supernet: '10.0.0.0/10',
      loopbacks: '172.16.0.0/15',
      links: '100.64.0.0/12',
    });
  });
});

describe.each([1, 10, 30, 100])('the %ix city', (scale) => {
  it('validates, with no error', () => {
    const file = writeCity({ 'city.yaml': generateCityYaml(BUILTIN_CITY, scale) });
    const { model, findings } = loadCity(file);
    expect(
      findings.filter((f) => f.level === 'error').map((f) => `${f.rule} ${f.path}: ${f.message}`),
    ).toEqual([]);
    expect(hasErrors(findings)).toBe(false);
    const counts = countInventory(model as NonNullable<typeof model>);
    expect(counts.connectionPoints).toBeGreaterThanOrEqual(800 * scale);
    expect(counts.servers).toBeGreaterThanOrEqual(1000 * scale);
  }, 120_000);
});
