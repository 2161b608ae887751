/**
 * The crash test of the upgrade runbook, for either run store: `kill -9` at 20 moments of a run
 * of the small city — half right after an action on the fleet and before its journal line (the
 * CITYCLOUD_CRASH_AFTER fault point, each step in turn), half at a random progress line — each followed by
 * `runbook resume`, then a last resume to the end. The test then counts at the fleet.
 */
import { expect } from 'vitest';
import { type CityModel, loadCity, poolHeadrooms } from '../../model/index.ts';
import { UPGRADE_STEPS } from '../../runbooks/upgrade/upgrade-runbook.ts';
import { runCli, smallCity, writeCity } from './city.ts';
import { fleetRecord, type LocalFleet, prng, serverState, spawnCli } from './local-fleet.ts';

export const TARGET = '2026.12';

/**
 * The upgrade tests' clock (`monitor up --time-scale`): a reboot keeps a server down 0.5 s, not
 * 2 s, and the node rules' 6-hour windows (predict_linear over every filesystem, evaluated every
 * 2 s) span 3 minutes, not 12, so a wave costs its steps and a scrape after them, and Prometheus
 * does not evaluate over every sample since it started. Scrapes stay at their floor of 2 s; what
 * the tests assert (each server once, the waves' bounds, the gates' verdicts) is not timing.
 */
export const UPGRADE_TIME_SCALE = 120;

/** The start of an approved upgrade's command line: `runbook upgrade --execute --to <target>`. */
export const executeArgs = (target: string): string[] => [
  'runbook',
  'upgrade',
  '--execute',
  '--to',
  target,
  '--approved-by',
  'lan',
];

/**
 * The small city with four more racks of web servers (38 servers, web upgraded 3 at a time): work
 * enough that 20 kills, each cutting a process short within a server or two, never finish it.
 */
export function crashCity(): string {
  const city = smallCity();
  for (const id of ['k04', 'k05', 'k06', 'k07'])
    city.datacentre.halls[0].rows[0].racks.push({
      id,
      servers: [{ u: 1, count: 6, model: 'm1', pool: 'web' }],
    });
  return writeCity({ 'city.yaml': city });
}

export function runArgs(fleet: LocalFleet, store: readonly string[], inventory: string): string[] {
  return [
    '--inventory',
    inventory,
    '--prometheus',
    fleet.prometheus,
    '--simulator',
    fleet.simulator,
    '--gate-settle',
    '30',
    '--gate-timeout',
    '120',
    ...store,
  ];
}

export async function killAndResume(
  fleet: LocalFleet,
  inventory: string,
  store: readonly string[],
  seed: number,
): Promise<{ run: string; kills: number; lockRefusal: { code: number; stderr: string } }> {
  const rand = prng(seed);
  const common = runArgs(fleet, store, inventory);
  let run: string | null = null;
  let kills = 0;
  let lockRefusal = { code: -1, stderr: '' };
  while (kills < 20) {
    // every other kill right after an action of each step in turn, before its journal line
    // (the first process is killed by the test, so it is alive when a second run tries the lock)
    const crashAt = kills % 2 === 1 ? `${UPGRADE_STEPS[((kills - 1) / 2) % UPGRADE_STEPS.length]}:1` : '';
    const args = run
      ? ['runbook', 'resume', run, ...common]
      : [...executeArgs(TARGET), '--operator', 'minh', ...common];
    const cli = spawnCli(args, crashAt ? { CITYCLOUD_CRASH_AFTER: crashAt } : {});
    if (!run) {
      run = (
        (await cli.line(/run upgrade-\d{8}-\d{6}-[0-9a-f]{4}:/)).match(
          /upgrade-\d{8}-\d{6}-[0-9a-f]{4}/,
        ) as RegExpMatchArray
      )[0];
      // a second run while this one holds the lock is refused
      const second = runCli([...executeArgs(TARGET), ...common]);
      lockRefusal = { code: second.code, stderr: second.stderr };
    }
    if (!crashAt) {
      await cli.line(/: (cordon|drain|upgrade|reboot|uncordon): /, 1 + Math.floor(rand() * 2));
      cli.child.kill('SIGKILL');
    }
    const end = await cli.exited;
    if (end.signal !== 'SIGKILL')
      throw new Error(
        `the run ended by itself (exit ${end.code}) after ${kills} kills (seed ${seed}):\n${cli.output().slice(-2000)}`,
      );
    kills++;
  }
  const last = spawnCli(['runbook', 'resume', run as string, ...common]);
  const end = await last.exited;
  if (end.code !== 0) throw new Error(`the last resume exited ${end.code}:\n${last.output().slice(-3000)}`);
  return { run: run as string, kills, lockRefusal };
}

/** Every server of the city upgraded and rebooted exactly once, back in service, never past w. */
export async function expectExactlyOnce(fleet: LocalFleet, inventory: string): Promise<void> {
  const model = loadCity(inventory).model as CityModel;
  const servers = model.servers.map((s) => s.name);
  const record = await fleetRecord(fleet.simulator);
  expect(Object.keys(record.upgrades).sort()).toEqual([...servers].sort());
  expect(new Set(Object.values(record.upgrades))).toEqual(new Set([1]));
  expect(new Set(Object.values(record.reboots))).toEqual(new Set([1]));
  expect(record.unavailable).toEqual([]);
  for (const s of servers) {
    const state = await serverState(fleet.simulator, s);
    expect({ s, version: state.version, cordoned: state.cordoned, drained: state.drained }).toEqual({
      s,
      version: TARGET,
      cordoned: false,
      drained: false,
    });
  }
  // no wave took more than a pool's w, nor two racks of the warehouse pool
  const headroom = poolHeadrooms(model);
  for (const [pool, r] of Object.entries(record.pools)) {
    expect(r.maxOut, pool).toBeLessThanOrEqual(headroom.get(pool)?.wave as number);
    if (pool === 'wh-a') expect(r.maxRacksOut, pool).toBeLessThanOrEqual(1);
  }
}
