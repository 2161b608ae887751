/** The built-in city is one that could be built: it fits its servers, its halls and the law. */
import { describe, expect, it } from 'vitest';
import { type CityModel, countInventory, diskTiB, loadCity } from '../../model/index.ts';
import { offsiteInput } from '../../stacks/offsite/offsite-input.ts';
import { BUILTIN_CITY } from '../helpers/city.ts';

const { model, findings } = loadCity(BUILTIN_CITY);
const city = model as CityModel;

describe('the built-in city', () => {
  it('validates with no finding at all, errors or warnings', () => {
    expect(findings.map((f) => `${f.rule} ${f.path}: ${f.message}`)).toEqual([]);
  });

  it('holds the 2023 report’s over 1,000 servers in service, the 2024 plan counted apart', () => {
    const byPhase = countInventory(city).serversByPhase;
    expect(byPhase['2023']).toBeGreaterThanOrEqual(1000);
    expect(byPhase['2024-plan']).toBe(48);
    expect(city.phases.map((p) => [p.id, p.status])).toEqual([
      ['2023', 'in-service'],
      ['2024-plan', 'planned'],
    ]);
  });

  it('fits every warehouse replica’s volume on one server of its pool, on the disks of its class', () => {
    const classes = new Map(city.storageClasses.map((c) => [c.id, c.disk]));
    for (const w of city.warehouses) {
      const models = new Set(city.servers.filter((s) => s.pool === w.pool).map((s) => s.model));
      const room = Math.max(
        ...city.serverModels
          .filter((m) => models.has(m.id))
          .map((m) => diskTiB(m, classes.get(w.storageClass) ?? 'nvme')),
      );
      expect(w.storagePerReplicaTiB, w.id).toBeLessThanOrEqual(room);
    }
  });

  it('spreads every warehouse over both halls', () => {
    for (const w of city.warehouses)
      expect(new Set(city.servers.filter((s) => s.pool === w.pool).map((s) => s.hall)), w.id).toEqual(
        new Set(['h1', 'h2']),
      );
  });

  it('keeps personal data in Viet Nam: those warehouses back up to the second site, never off-site', () => {
    const personal = city.warehouses.filter((w) => w.classification === 'personal').map((w) => w.id);
    expect(personal.sort()).toEqual(['education', 'health', 'land', 'population']);
    expect(city.secondSite?.jurisdiction).toBe('VN');
    for (const id of personal) expect(city.warehouses.find((w) => w.id === id)?.backupTo).toBe('second-site');
    const offsite = offsiteInput(city).warehouses.map((w) => w.id);
    expect(offsite.sort()).toEqual(['construction', 'enterprise', 'iot', 'transport']);
    expect(city.offsite.jurisdiction).toBe('SG');
  });
});
