/**
 * The runbooks on a sharded Prometheus (`monitor up --shards 3`), asking the global alone as they
 * ask a single Prometheus: the upgrade plans from the versions the global federates, runs to the
 * end with its gates passed (each server upgraded once, counted by the simulator), a server down
 * and its critical alert fired on a shard fail the gates on the global, and the capacity review
 * rescales its history for servers the inventory adds from the servers the shards scrape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import type { Review } from '../../runbooks/capacity/capacity-review.ts';
import { evaluateGates } from '../../runbooks/upgrade/upgrade-gates.ts';
import type { UpgradePlan } from '../../runbooks/upgrade/upgrade-plan.ts';
import { runCli, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, query, startFleet, untilTrue } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';
import { executeArgs, runArgs, TARGET, UPGRADE_TIME_SCALE } from '../helpers/upgrade-crash.ts';

const SHARDS = 3;

describeWith([LOCAL_STACK], 'the runbooks on a sharded Prometheus (monitor up --shards 3)', () => {
  const inventory = writeCity({ 'city.yaml': smallCity() });
  const model = loadCity(inventory).model as CityModel;
  let fleet: LocalFleet;
  beforeAll(async () => {
    // 35 days: enough history for the capacity review's forecasts
    fleet = await startFleet(inventory, UPGRADE_TIME_SCALE, { shards: SHARDS, historyDays: 35 });
    await untilTrue('the global federating every shard', 60, async () => {
      const r = await query(fleet.prometheus, 'count(up{job="federate"} == 1)');
      return r[0]?.value[1] === String(SHARDS);
    });
    await untilTrue('every server’s version on the global', 60, async () => {
      const r = await query(fleet.prometheus, 'count(citycloud_node_version == 1)');
      return Number(r[0]?.value[1]) === model.servers.length;
    });
  }, 240_000);
  afterAll(() => fleet?.down(), 60_000);

  const planOf = (target: string) => {
    const r = runCli([
      'runbook',
      'upgrade',
      'plan',
      '--to',
      target,
      '--inventory',
      inventory,
      '--prometheus',
      fleet.prometheus,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as UpgradePlan;
  };

  it('plans from the versions the global federates: none unknown', () => {
    const plan = planOf(TARGET);
    expect(plan.versionUnknown).toEqual([]);
    expect(plan.toUpgrade).toBe(model.servers.length);
  });

  it('runs the upgrade to the end on the global’s answers: every gate passed, each server upgraded once', async () => {
    const runs = tempDir();
    const r = runCli([
      ...executeArgs(TARGET),
      ...runArgs(fleet, ['--runs-dir', runs], inventory),
      // an unanswerable gate would stop the run here, not after the default quarter of an hour
      '--gate-timeout',
      '60',
      '--json',
    ]);
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
    const status = JSON.parse(runCli(['runbook', 'status', '--runs-dir', runs, '--json']).stdout) as {
      state: string;
      waves: { gatesPassed: boolean }[];
    };
    expect(status.state).toBe('succeeded');
    expect(status.waves.length).toBeGreaterThan(1);
    expect(status.waves.every((w) => w.gatesPassed)).toBe(true);
    const upgrades = (await fleetRecord(fleet.simulator)).upgrades;
    for (const s of model.servers) expect(upgrades[s.name], s.name).toBe(1);
    // and the global now says so
    expect(planOf(TARGET).alreadyAtTarget).toBe(model.servers.length);
  }, 300_000);

  it('fails the gates on the global for a server down and its critical alert, both seen on a shard', async () => {
    const plan = planOf('2027.01');
    const wave = plan.waves[0] as UpgradePlan['waves'][number];
    const victim = model.servers.find(
      (s) => s.pool === 'wh-a' && !wave.servers.some((w) => w.server === s.name),
    )?.name as string;
    const fault = await fetch(`${fleet.simulator}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'server-down', target: victim }),
    });
    expect(fault.status).toBe(201);
    try {
      // ServerDown of a critical pool is judged on the shard that scrapes the server
      await untilTrue('ServerDown firing, as the global reads it', 120, async () => {
        const r = await query(
          fleet.prometheus,
          `ALERTS{alertname="ServerDown",alertstate="firing",instance="${victim}"}`,
        );
        return r.length === 1;
      });
      const gates = await evaluateGates(fleet.prometheus, model, plan, wave);
      const by = new Map(gates.map((g) => [g.gate, g]));
      expect(by.get('fleet-up')).toMatchObject({ result: 'failed', value: '1' });
      expect(by.get('fleet-up')?.reason).toContain(victim);
      expect(by.get('critical-alerts')?.result).toBe('failed');
      expect(by.get('critical-alerts')?.reason).toContain(`ServerDown(${victim})`);
      // the pools' records are the global's own, from the shards' partials
      expect(by.get('pool-cpu')?.result).toBe('passed');
    } finally {
      await fetch(`${fleet.simulator}/faults`, { method: 'DELETE' });
    }
    // resolved on the shard, gone from the global at once (not after the lookback, 15 minutes here)
    await untilTrue('ServerDown resolved, as the global reads it', 60, async () => {
      const r = await query(fleet.prometheus, `ALERTS{alertname="ServerDown",instance="${victim}"}`);
      return r.length === 0;
    });
    const again = await evaluateGates(fleet.prometheus, model, plan, wave);
    expect(again.find((g) => g.gate === 'critical-alerts')?.result).toBe('passed');
  }, 240_000);

  it('rescales the capacity review’s history for the servers an inventory adds, from the servers the shards scrape', () => {
    const review = (city: string) => {
      const r = runCli([
        'runbook',
        'capacity-review',
        '--inventory',
        city,
        '--prometheus',
        fleet.prometheus,
        '--out',
        tempDir(),
        '--json',
      ]);
      expect([0, 1], r.stderr).toContain(r.code);
      return JSON.parse(r.stdout) as Review;
    };
    const now = (r: Review, kind: string, id: string) =>
      r.resources.find((x) => x.resource.kind === kind && x.resource.id === id)?.now as number;
    // the same city with a rack of four more web servers: web's 8 servers become 12
    const bigger = smallCity();
    bigger.datacentre.halls[0].rows[0].racks.push({
      id: 'k04',
      servers: [{ u: 1, count: 4, model: 'm1', pool: 'web' }],
    });
    const before = review(inventory);
    const after = review(writeCity({ 'city.yaml': bigger }));
    for (const kind of ['pool-cpu', 'pool-memory']) {
      expect(now(before, kind, 'web'), kind).toBeGreaterThan(0);
      expect(now(after, kind, 'web') / now(before, kind, 'web'), kind).toBeCloseTo(8 / 12, 6);
      // a pool the inventory leaves as it was keeps its history
      expect(now(after, kind, 'wh-a'), kind).toBe(now(before, kind, 'wh-a'));
    }
    // the warehouse's volumes, summed by the shards, are the inventory's: nothing to rescale
    expect(now(after, 'warehouse-storage', 'wa')).toBe(now(before, 'warehouse-storage', 'wa'));
  });

  // last: it stops a shard
  it('with a shard the global cannot read: the gates wait (its servers unread, not up), the review refuses to guess', async () => {
    const shard = Number(readFileSync(join(fleet.dir, 'prometheus-shard-1.pid'), 'utf8'));
    process.kill(shard, 'SIGKILL');
    // both of the global's jobs on the shard (its partials, and the per-server series the gates read)
    await untilTrue('the global seeing the shard down', 60, async () => {
      const r = await query(fleet.prometheus, 'count(up{job=~"federate|federate-current"} == 0)');
      return r[0]?.value[1] === '2';
    });
    const plan = planOf('2027.01');
    const wave = plan.waves[0] as UpgradePlan['waves'][number];
    const gates = await evaluateGates(fleet.prometheus, model, plan, wave);
    const fleetUp = gates.find((g) => g.gate === 'fleet-up');
    expect(fleetUp?.result).toBe('inconclusive');
    expect(fleetUp?.reason).toMatch(
      /^\d+ server\(s\) outside the wave have no reading \(.+\); waiting for one$/,
    );
    const r = runCli([
      'runbook',
      'capacity-review',
      '--inventory',
      inventory,
      '--prometheus',
      fleet.prometheus,
      '--out',
      tempDir(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^(✗ )?the global Prometheus at http:\/\/127\.0\.0\.1:\d+ cannot read shard\(s\) 127\.0\.0\.1:\d+, so which servers its history covers is not known$/,
    );
  }, 120_000);
});
