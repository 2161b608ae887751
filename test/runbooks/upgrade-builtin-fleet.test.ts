/**
 * The whole built-in fleet upgraded in `sim` against the real local Prometheus: every server of
 * the city upgraded exactly once, counted by the simulator, and no wave past a pool's w or two
 * racks of a warehouse pool, checked on the simulator's own record of what was out at once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity, poolHeadrooms } from '../../model/index.ts';
import { BUILTIN_CITY, runCli, tempDir } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, spawnCli, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';
import { executeArgs } from '../helpers/upgrade-crash.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;

describeWith([LOCAL_STACK], 'citycloud runbook upgrade on the built-in fleet', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startFleet(BUILTIN_CITY, 30);
  }, 180_000);
  afterAll(() => fleet?.down());

  it('plans every server in service, from the live state', () => {
    const r = runCli([
      'runbook',
      'upgrade',
      'plan',
      '--to',
      '2026.12',
      '--prometheus',
      fleet.prometheus,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      toUpgrade: number;
      notInService: number;
      alreadyAtTarget: number;
      waves: unknown[];
    };
    expect(plan).toMatchObject({ toUpgrade: 1028, notInService: 48, alreadyAtTarget: 0 });
    expect(plan.waves.length).toBeGreaterThan(10);
  });

  it('upgrades the fleet: each server once, never past w nor two racks of a warehouse pool', async () => {
    const runs = tempDir();
    const run = spawnCli([
      ...executeArgs('2026.12'),
      '--prometheus',
      fleet.prometheus,
      '--simulator',
      fleet.simulator,
      '--runs-dir',
      runs,
      '--gate-settle',
      '60',
      '--json',
    ]);
    const end = await run.exited;
    const summary = JSON.parse(run.output().slice(run.output().indexOf('{\n'))) as {
      outcome: string;
      reason: string;
      totals: Record<string, number>;
      waves: { seconds: number | null; gatesPassed: boolean }[];
    };
    expect(`${summary.outcome}: ${summary.reason}`).toMatch(/^succeeded: /);
    expect(end.code).toBe(0);
    expect(summary.totals).toEqual({
      planned: 1028,
      upgraded: 1028,
      alreadyUpgraded: 0,
      failed: 0,
      skipped: 0,
      remaining: 0,
    });
    expect(summary.waves.every((w) => w.gatesPassed && (w.seconds ?? 0) > 0)).toBe(true);

    const record = await fleetRecord(fleet.simulator);
    const inService = model.servers.filter((s) => s.phase === '2023').map((s) => s.name);
    expect(Object.keys(record.upgrades).sort()).toEqual(inService.sort());
    expect(new Set(Object.values(record.upgrades))).toEqual(new Set([1]));
    expect(record.unavailable).toEqual([]);
    const headroom = poolHeadrooms(model);
    for (const pool of model.pools) {
      const out = record.pools[pool.id] as { maxOut: number; maxRacksOut: number };
      expect(out.maxOut, pool.id).toBeLessThanOrEqual(headroom.get(pool.id)?.wave as number);
      if (pool.kind === 'warehouse') expect(out.maxRacksOut, pool.id).toBeLessThanOrEqual(1);
    }
    // the upgrade did take whole waves out at once (the record would catch a wider one)
    expect(record.pools.edoc?.maxOut).toBe(12);
  }, 900_000);
});
