/**
 * The whole built-in fleet upgraded in `sim` against the real local Prometheus: every server of
 * the city upgraded exactly once, counted by the simulator, and no wave past a pool's w or two
 * racks of a warehouse pool, checked on the simulator's own record of what was out at once.
 * First, on the same Prometheus (one, so raw series are there too), every Grafana panel's query
 * answers with data, and `monitor status` draws every panel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity, poolHeadrooms } from '../../model/index.ts';
import { cityDashboards } from '../../monitoring/dashboards/all-dashboards.ts';
import { expandQuery, panelQueries } from '../../monitoring/dashboards/panel-queries.ts';
import { localIntervals } from '../../monitoring/local/local-config.ts';
import { rangeQuery } from '../../runbooks/engine/prometheus-query.ts';
import { BUILTIN_CITY, runCli, tempDir } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, spawnCli, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';
import { executeArgs, UPGRADE_TIME_SCALE } from '../helpers/upgrade-crash.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;

describeWith([LOCAL_STACK], 'citycloud runbook upgrade on the built-in fleet', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startFleet(BUILTIN_CITY, UPGRADE_TIME_SCALE);
  }, 180_000);
  afterAll(() => fleet?.down());

  it('answers every dashboard panel’s queries with data, each variable at one real value', async () => {
    const specs = cityDashboards(model);
    // each variable at its first option: a pool, warehouse, district and tier of the inventory
    const variables = Object.fromEntries(
      specs.flatMap((d) => d.variables.map((v) => [v.name, [v.options[0]?.value ?? '']])),
    );
    expect(Object.keys(variables).sort()).toEqual(['district', 'pool', 'tenant', 'tier', 'warehouse']);
    const queries = panelQueries(specs).flatMap((q) =>
      q.targets.map((t, i) => ({ where: `${q.dashboard.uid} / ${q.panel.title} / ${i}`, expr: t.expr })),
    );
    const problems = async () => {
      const end = Math.floor(Date.now() / 1000);
      const range = { start: end - 300, end, step: 15 };
      const expansion = {
        variables,
        rangeSeconds: 300,
        stepSeconds: 15,
        scrapeIntervalSeconds: localIntervals(model, UPGRADE_TIME_SCALE).interval,
      };
      const answers = await Promise.all(
        queries.map((q) => rangeQuery(fleet.prometheus, expandQuery(q.expr, expansion), range)),
      );
      return answers.flatMap((a, i) =>
        a.answered && a.series.length > 0
          ? []
          : [`${queries[i]?.where}: ${a.answered ? 'no data' : a.problem}`],
      );
    };
    // the records come a few rule evaluations after the first scrapes: ask until every panel
    // answers, at most two minutes
    let left = await problems();
    for (const until = Date.now() + 120_000; left.length > 0 && Date.now() < until; left = await problems())
      await new Promise((r) => setTimeout(r, 2000));
    expect(left).toEqual([]);
    expect(queries.length).toBeGreaterThan(30);
  }, 180_000);

  it('draws every panel with monitor status (exit 0), the same queries with every variable at All', () => {
    const out = join(tempDir(), 'status.html');
    const r = runCli([
      'monitor',
      'status',
      '--prometheus',
      fleet.prometheus,
      '--out',
      out,
      '--range',
      '10m',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { panels: { series: number; problems: string[] }[] };
    const panels = panelQueries(cityDashboards(model)).length;
    expect(report.panels).toHaveLength(panels);
    expect(report.panels.filter((p) => p.series === 0 || p.problems.length > 0)).toEqual([]);
    expect(readFileSync(out, 'utf8').match(/<section class="panel"/g)).toHaveLength(panels);
  });

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
