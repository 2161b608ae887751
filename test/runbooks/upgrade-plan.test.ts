import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity, poolHeadrooms, serversInService } from '../../model/index.ts';
import { planProblem, planUpgrade, readPlan, type UpgradePlan } from '../../runbooks/upgrade/upgrade-plan.ts';
import { BUILTIN_CITY, modelOf, ROOT, smallCity } from '../helpers/city.ts';

const builtin = loadCity(BUILTIN_CITY).model as CityModel;
const none = { versions: new Map<string, string>() };
const TARGET = '2026.12';

describe('the upgrade plan', () => {
  const plan = planUpgrade(builtin, none, TARGET);

  it('upgrades every built server once, and none of a planned phase', () => {
    const inService = builtin.servers.filter((s) => s.phase === '2023').map((s) => s.name);
    const planned = plan.waves.flatMap((w) => w.servers.map((s) => s.server));
    expect(planned).toHaveLength(1028);
    expect(new Set(planned)).toEqual(new Set(inService));
    expect(plan.notInService).toBe(48);
    expect(planProblem(plan, builtin)).toBeNull();
  });

  it('starts with a canary wave of one server per pool, the least critical pools first', () => {
    const canary = plan.waves[0];
    expect(canary?.kind).toBe('canary');
    expect(canary?.servers.map((s) => s.pool)).toEqual(plan.pools.map((p) => p.pool));
    const rank = { normal: 0, high: 1, critical: 2 };
    const order = plan.pools.map((p) => rank[p.criticality]);
    expect(order).toEqual([...order].sort());
    // then normal pools, then high, then critical
    const stages = plan.waves.slice(1).map((w) => w.criticality);
    expect(stages).toEqual([...stages].sort((a, b) => rank[a as 'normal'] - rank[b as 'normal']));
  });

  it('never takes more than a pool’s w at once, nor two racks of a warehouse pool', () => {
    const headroom = poolHeadrooms(builtin);
    for (const wave of plan.waves) {
      const perPool = new Map<string, { n: number; racks: Set<string> }>();
      for (const s of wave.servers) {
        const o = perPool.get(s.pool) ?? { n: 0, racks: new Set() };
        o.n++;
        o.racks.add(s.rack);
        perPool.set(s.pool, o);
      }
      for (const [pool, o] of perPool) {
        expect(o.n, `wave ${wave.index} ${pool}`).toBeLessThanOrEqual(headroom.get(pool)?.wave as number);
        if (pool.startsWith('wh-')) expect(o.racks.size, `wave ${wave.index} ${pool}`).toBe(1);
      }
    }
  });

  it('takes the w the inventory sets (maxUnavailable)', () => {
    const city = smallCity();
    city.pools[0].maxUnavailable = 3;
    const small = planUpgrade(modelOf(city), none, TARGET);
    const web = small.waves.slice(1).map((w) => w.servers.filter((s) => s.pool === 'web').length);
    // 8 servers: one in the canary, then 3, 3, 1
    expect(web.filter((n) => n > 0)).toEqual([3, 3, 1]);
  });

  it('leaves out servers already at the target, from the live state', () => {
    const at = new Map(builtin.servers.slice(0, 100).map((s) => [s.name, TARGET]));
    const partial = planUpgrade(builtin, { versions: at }, TARGET);
    const planned = new Set(partial.waves.flatMap((w) => w.servers.map((s) => s.server)));
    for (const name of at.keys()) expect(planned.has(name)).toBe(false);
    expect(partial.alreadyAtTarget).toBe(100);
    expect(partial.toUpgrade).toBe(928);
  });

  it('is a pure function: the same plan in another process, whatever order the live state lists its servers in', () => {
    // another process: nothing this one cached or ordered can leak into the plan
    const script = `import { loadCity } from ${JSON.stringify(join(ROOT, 'model/index.ts'))};
      import { planUpgrade } from ${JSON.stringify(join(ROOT, 'runbooks/upgrade/upgrade-plan.ts'))};
      process.stdout.write(JSON.stringify(planUpgrade(loadCity(${JSON.stringify(BUILTIN_CITY)}).model, { versions: new Map() }, ${JSON.stringify(TARGET)})));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toBe(JSON.stringify(plan));
    // the same servers at the target, listed forwards and backwards
    const some = serversInService(builtin)
      .filter((_, i) => i % 7 === 0)
      .map((s) => [s.name, TARGET] as [string, string]);
    const forwards = planUpgrade(builtin, { versions: new Map(some) }, TARGET);
    const backwards = planUpgrade(builtin, { versions: new Map([...some].reverse()) }, TARGET);
    expect(forwards.alreadyAtTarget).toBe(some.length);
    expect(JSON.stringify(backwards)).toBe(JSON.stringify(forwards));
  });

  it('refuses a plan that breaks a safety property', () => {
    const twice: UpgradePlan = {
      ...plan,
      waves: [...plan.waves, { ...(plan.waves[1] as UpgradePlan['waves'][number]), index: 999 }],
    };
    expect(planProblem(twice, builtin)).toMatch(/a second time/);
    const wide = plan.waves.find((w) =>
      w.servers.some((s) => s.pool === 'wh-population'),
    ) as UpgradePlan['waves'][number];
    const other = builtin.servers.find(
      (s) => s.pool === 'wh-population' && !wide.servers.some((x) => x.rack === s.rack),
    );
    const twoRacks: UpgradePlan = {
      ...plan,
      waves: [
        {
          ...wide,
          servers: [
            ...wide.servers.filter((s) => s.pool === 'wh-population').slice(0, 1),
            { server: other?.name as string, pool: 'wh-population', rack: other?.rack as string },
          ],
        },
      ],
    };
    expect(planProblem(twoRacks, builtin)).toMatch(/2 racks of warehouse pool wh-population/);
  });

  it('checks a plan against the inventory, never against what the plan says of itself', () => {
    const web = builtin.servers.filter((s) => s.pool === 'email' && s.phase === '2023');
    const w = poolHeadrooms(builtin).get('email')?.wave as number;
    expect(web.length).toBeGreaterThan(w);
    // a whole pool in one wave, with the plan's own w raised to match
    const wholePool: UpgradePlan = {
      ...plan,
      pools: plan.pools.map((p) => (p.pool === 'email' ? { ...p, wave: web.length } : p)),
      waves: [
        {
          index: 1,
          kind: 'rolling',
          criticality: 'high',
          servers: web.map((s) => ({ server: s.name, pool: s.pool, rack: s.rack })),
        },
      ],
    };
    expect(planProblem(wholePool, builtin)).toBe(
      `pool email: the plan says wave ${web.length}, the inventory gives ${w}`,
    );
    expect(planProblem({ ...wholePool, pools: plan.pools }, builtin)).toBe(
      `wave 1 takes ${web.length} servers of pool email, over its w of ${w}`,
    );
    const first = web[0] as (typeof web)[number];
    const one = (server: string, pool: string, rack: string): UpgradePlan => ({
      ...plan,
      waves: [{ index: 1, kind: 'rolling', criticality: 'high', servers: [{ server, pool, rack }] }],
    });
    expect(planProblem(one('email-x99', 'email', first.rack), builtin)).toBe(
      'wave 1 names server email-x99, which the inventory does not have',
    );
    expect(planProblem(one(first.name, 'email', 'r99'), builtin)).toBe(
      `wave 1 puts ${first.name} in pool email rack r99; the inventory has it in pool email rack ${first.rack}`,
    );
    const planned = builtin.servers.find((s) => s.phase !== '2023') as (typeof web)[number];
    expect(planProblem(one(planned.name, planned.pool, planned.rack), builtin)).toMatch(
      /of phase .*, which is not in service$/,
    );
    const canary = plan.waves[0] as UpgradePlan['waves'][number];
    expect(
      planProblem(
        {
          ...plan,
          waves: [
            {
              ...canary,
              servers: [
                ...canary.servers,
                { server: (web[1] as typeof first).name, pool: 'email', rack: (web[1] as typeof first).rack },
              ],
            },
          ],
        },
        builtin,
      ),
    ).toMatch(/^wave 0 takes 2 servers of pool email, over its w of 1 in the canary wave$/);
    expect(planProblem({ ...plan, target: 'bad;version' }, builtin)).toMatch(
      /^its target "bad;version" is not a version/,
    );
    expect(readPlan({ ...plan, waves: [{ index: -1 }] })).toEqual({ problem: 'a wave of it is not a wave' });
    expect(readPlan({ ...plan, format: 'x' })).toEqual({
      problem: 'its format is "x", not citycloud-upgrade-plan/v1',
    });
    expect(readPlan(JSON.parse(JSON.stringify(plan)))).toEqual({ plan });
  });
});
