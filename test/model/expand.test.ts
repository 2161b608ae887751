import { describe, expect, it } from 'vitest';
import { countInventory, loadCity } from '../../model/index.ts';
import { BUILTIN_CITY, modelOf, smallCity } from '../helpers/city.ts';

describe('expandCity', () => {
  const model = modelOf(smallCity());

  it('names each server after its rack and lowest unit, stacking a range by the model height', () => {
    const k01 = model.servers.filter((s) => s.rack === 'dc1-h1-r01-k01');
    expect(k01.map((s) => s.name)).toEqual([
      'dc1-h1-r01-k01-u01',
      'dc1-h1-r01-k01-u02',
      'dc1-h1-r01-k01-u03',
      'dc1-h1-r01-k01-u04',
      'dc1-h1-r01-k01-u10',
      'dc1-h1-r01-k01-u12',
    ]);
    expect(k01[5]).toEqual({
      name: 'dc1-h1-r01-k01-u12',
      rack: 'dc1-h1-r01-k01',
      hall: 'h1',
      row: 'r01',
      u: 12,
      rackUnits: 2,
      model: 'm2',
      pool: 'wh-a',
      phase: 'in-service',
      path: 'datacentre.halls[h1].rows[r01].racks[k01].servers[u12]',
    });
  });

  it('gives racks their own values over the row, hall and data-centre defaults', () => {
    expect(model.racks.map((r) => [r.name, r.heightU, r.powerBudgetW])).toEqual([
      ['dc1-h1-r01-k01', 42, 10000],
      ['dc1-h1-r01-k02', 42, 10000],
      ['dc1-h1-r01-k03', 42, 5000],
    ]);
  });

  it('marks every pool but the general ones as dedicated', () => {
    expect(model.pools.map((p) => [p.id, p.dedicated])).toEqual([
      ['web', false],
      ['wh-a', true],
    ]);
  });

  it('expands wards with a primary uplink to their hub and a backup through wardBackupVia', () => {
    const ward = model.network.points.find((p) => p.id === 'w10001');
    expect(ward).toEqual({
      id: 'w10001',
      name: 'Ward Alpha',
      level: 'ward',
      parent: 'd001',
      district: 'd001',
      agency: null,
      code: '10001',
      type: 'ward',
      path: 'network.districts[d001].wards[10001]',
    });
    expect(model.network.links.filter((l) => l.from === 'w10001')).toEqual([
      {
        id: 'w10001--d001',
        from: 'w10001',
        to: 'd001',
        role: 'primary',
        mbps: 1000,
        medium: 'fiber',
        path: 'network.districts[d001].wards[10001].uplinks[d001]',
      },
      {
        id: 'w10001--d002',
        from: 'w10001',
        to: 'd002',
        role: 'backup',
        mbps: 300,
        medium: 'fiber',
        path: 'network.districts[d001].wardBackupVia',
      },
    ]);
  });

  it('dual-homes district hubs to the core by default', () => {
    expect(model.network.links.filter((l) => l.from === 'd002').map((l) => `${l.to}:${l.role}`)).toEqual([
      'core-a:primary',
      'core-b:backup',
    ]);
  });

  it('gives every district its template units and every agency branch, named for the district', () => {
    const units = model.network.points.filter((p) => p.level === 'unit');
    expect(units.map((u) => [u.id, u.name, u.parent])).toEqual([
      ['d001-ubnd', "People's Committee of District One", 'd001'],
      ['d002-ubnd', "People's Committee of District Two", 'd002'],
      ['ag1-u1', 'Unit One', 'ag1'],
      ['d001-ag1-br', 'Branch of District One', 'd001'],
      ['d002-ag1-br', 'Branch of District Two', 'd002'],
    ]);
    expect(units.find((u) => u.id === 'd002-ag1-br')).toMatchObject({ agency: 'ag1', district: 'd002' });
  });

  it('expands the catalogue to exact counts: named services, then numbered ones, full first', () => {
    expect(model.publicServices.map((s) => [s.id, s.mode, s.tier])).toEqual([
      ['birth', 'full', 1],
      ['ag1-001', 'full', 2],
      ['ag1-002', 'full', 2],
      ['ag1-003', 'full', 2],
      ['ag1-004', 'partial', 2],
      ['ag1-005', 'partial', 2],
    ]);
    expect(model.publicServices[1]?.name).toBe('Dịch vụ công trực tuyến toàn trình số 1 – Department One');
  });

  it('freezes the model so that no view can change it', () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.servers[0])).toBe(true);
    expect(() => {
      (model.servers as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('gives the same model for the same inventory', () => {
    expect(JSON.stringify(modelOf(smallCity()))).toBe(JSON.stringify(model));
  });
});

describe('the built-in city', () => {
  const { model, findings } = loadCity(BUILTIN_CITY);

  it('is valid', () => {
    expect(findings).toEqual([]);
    expect(model).not.toBeNull();
  });

  it('has the counts of the 2023 report', () => {
    if (!model) return;
    const counts = countInventory(model);
    expect(counts.servers).toBeGreaterThan(1000);
    expect(counts.connectionPoints).toBeGreaterThan(800);
    expect(counts.warehouses).toBe(8);
    expect(counts.publicServices).toEqual({ total: 740, full: 460, partial: 280 });
    expect(counts).toEqual({
      servers: 1076,
      // the 2023 report's fleet alone is over 1,000 servers; the GPU pool is the 2024 plan
      serversByPhase: { '2023': 1028, '2024-plan': 48 },
      racks: 67,
      pools: 18,
      connectionPoints: 820,
      warehouses: 8,
      publicServices: { total: 740, full: 460, partial: 280 },
      tenants: 12,
    });
  });

  it('has two core sites, Thu Duc City and the 21 districts, and all 312 wards and communes', () => {
    if (!model) return;
    const byLevel = (level: string) => model.network.points.filter((p) => p.level === level);
    expect(byLevel('core')).toHaveLength(2);
    expect(byLevel('district')).toHaveLength(22);
    expect(byLevel('ward')).toHaveLength(312);
    expect(
      byLevel('district')
        .filter((d) => d.type === 'city')
        .map((d) => d.name),
    ).toEqual(['Thành phố Thủ Đức']);
    expect(byLevel('ward').filter((w) => w.district === 'd769')).toHaveLength(34);
    expect(model.network.points.find((p) => p.id === 'w26734')).toMatchObject({
      name: 'Phường Tân Định',
      parent: 'd760',
    });
  });

  it('gives each warehouse a dedicated pool and links population to Project 06', () => {
    if (!model) return;
    const pools = new Map(model.pools.map((p) => [p.id, p]));
    for (const w of model.warehouses) expect(pools.get(w.pool)?.kind).toBe('warehouse');
    expect(
      model.warehouses.filter((w) => w.connectsTo.includes('national-population-db')).map((w) => w.id),
    ).toEqual(['population']);
  });

  it('covers the e-government systems of the report with pools, and GPUs for the 2024 plan', () => {
    if (!model) return;
    expect(model.pools.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'email',
        'video-conf',
        'edoc',
        'meeting',
        'mis',
        'admin-procedures',
        'public-portal',
        'data-portal',
        'iot-ai',
        'mgmt',
      ]),
    );
    const gpuModels = new Set(model.serverModels.filter((m) => m.gpus > 0).map((m) => m.id));
    expect(model.servers.some((s) => s.pool === 'iot-ai' && gpuModels.has(s.model))).toBe(true);
  });
});
