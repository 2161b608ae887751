/**
 * The kubectl drill's scratch place as the API server answers about it, driven by a kubectl that
 * answers from a script (the argv themselves are checked against the real kubectl in
 * restore-drill-kubectl.test.ts and restore-drill-clickhouse.test.ts): a namespace of the scratch
 * name the drill did not make is neither written into nor deleted; a scratch place left by an
 * earlier drill is made again before a restore, never taken for this one's copy; a copy made
 * before this restore began fails the restore instead of being checked.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import type { DrillExecutor, DrillShard, RestoreState } from '../../runbooks/drill/drill-executor.ts';
import type { DrillPlan } from '../../runbooks/drill/drill-plan.ts';
import { drillRunbook, shardRecords } from '../../runbooks/drill/drill-runbook.ts';
import { KubectlDrillExecutor } from '../../runbooks/drill/kubectl-drill.ts';
import { BUILTIN_CITY, tempDir } from '../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const shard: DrillShard = {
  warehouse: 'population',
  shard: 'population-s03',
  engine: 'postgresql',
  namespace: 'warehouse-population',
  drill: '20261205T160000Z',
};

/** A kubectl drill executor whose kubectl answers from `answer`, recording every argv. */
class Scripted extends KubectlDrillExecutor {
  readonly calls: string[] = [];
  constructor(private readonly answer: (verb: string) => string) {
    super(model, { kubectl: 'kubectl', stateRoot: tempDir() });
  }
  override async run(argv: readonly string[]): Promise<string> {
    const line = argv.slice(1).join(' ');
    this.calls.push(line);
    return this.answer(line);
  }
}

const verbOf = (line: string) =>
  line.startsWith('get namespace')
    ? 'namespace'
    : line.startsWith('delete namespace')
      ? 'delete'
      : line.startsWith('apply')
        ? 'apply'
        : line.startsWith('get secret')
          ? 'secret'
          : line.startsWith('get pod drill-0')
            ? 'pod'
            : line.includes('pg_is_in_recovery')
              ? 'recovery'
              : line;

describe('the kubectl drill’s scratch place', () => {
  it('a namespace of the scratch name the drill did not make: the restore fails, nothing is written into it or deleted', async () => {
    const x = new Scripted((line) =>
      verbOf(line) === 'namespace'
        ? 'warehouse-population-drill-s03|population-drill-s03-shard||2026-01-01T00:00:00Z|'
        : '',
    );
    const state = await x.restoreState(shard);
    expect(state).toEqual({
      state: 'failed',
      problem:
        'namespace warehouse-population-drill-s03 exists and is not the drill\'s scratch place of population-s03 (its citycloud.hcmc.gov.vn/drill-of is "population-drill-s03-shard"): the drill neither writes into it nor deletes it',
    });
    await expect(x.teardown(shard)).rejects.toThrow(/is not the drill's scratch place/);
    await expect(x.restore(shard, { kind: 'latest' })).rejects.toThrow(/is not the drill's scratch place/);
    await expect(x.scratchLeft(shard)).rejects.toThrow(/is not the drill's scratch place/);
    expect(x.calls.map(verbOf).filter((v) => v === 'delete' || v === 'apply')).toEqual([]);
  });

  it('a scratch place left by an earlier drill (a day old, or being deleted) is deleted, and made again, before this restore', async () => {
    for (const answer of [
      'warehouse-population-drill-s03|population-s03|20261101T200000Z|2026-11-01T20:00:00Z|',
      `warehouse-population-drill-s03|population-s03|20261205T150000Z|${new Date().toISOString()}|${new Date().toISOString()}`,
    ]) {
      const x = new Scripted((line) =>
        verbOf(line) === 'namespace' ? answer : verbOf(line) === 'secret' ? '{"data":{}}' : '',
      );
      expect((await x.restoreState(shard)).state).toBe('partial');
      x.calls.length = 0;
      await x.restore(shard, { kind: 'latest' });
      expect(
        x.calls.map(verbOf).filter((v) => ['namespace', 'delete', 'secret', 'apply'].includes(v)),
      ).toEqual(['namespace', 'delete', 'secret', 'apply']);
    }
  });

  it('another drill of the shard under way: this one restores nothing, deletes nothing, and says whose it is', async () => {
    const made = new Date(Date.now() - 600_000).toISOString();
    const x = new Scripted((line) =>
      verbOf(line) === 'namespace' && line.includes('drill-s03')
        ? `warehouse-population-drill-s03|population-s03|20261205T155000Z|${made}|`
        : '',
    );
    await expect(x.restore(shard, { kind: 'latest' })).rejects.toThrow(
      /^drill 20261205T155000Z of population-s03 holds its scratch place warehouse-population-drill-s03 \(made .*\): one drill of a shard at a time; this one restores nothing$/,
    );
    expect(await x.restoreState(shard)).toEqual({
      state: 'failed',
      problem:
        'drill 20261205T155000Z of population-s03 holds its scratch place: one drill of a shard at a time',
    });
    expect(await x.scratchLeft(shard)).toBe(false);
    await x.teardown(shard);
    expect(x.calls.map(verbOf).filter((v) => v === 'delete' || v === 'apply')).toEqual([]);
  });

  it('teardown removes this drill’s place, and the warehouse’s other shards’ places left by drills killed over a day ago', async () => {
    const x = new Scripted((line) => {
      if (verbOf(line) !== 'namespace') return '';
      if (line.includes('drill-s03 '))
        return 'warehouse-population-drill-s03|population-s03|20261205T160000Z|2026-12-05T16:00:00Z|';
      if (line.includes('drill-s07 '))
        return 'warehouse-population-drill-s07|population-s07|20260701T200000Z|2026-07-01T20:00:00Z|';
      if (line.includes('drill-s08 '))
        return `warehouse-population-drill-s08|population-s08|20261205T150000Z|${new Date().toISOString()}|`;
      return '';
    });
    await x.teardown(shard);
    expect(x.calls.filter((l) => verbOf(l) === 'delete').map((l) => l.split(' ')[2])).toEqual([
      'warehouse-population-drill-s03',
      'warehouse-population-drill-s07',
    ]);
  });

  it('nothing there: teardown deletes nothing; a copy ready says when its place was made', async () => {
    const none = new Scripted(() => '');
    await none.teardown(shard);
    expect(none.calls.map(verbOf).filter((v) => v === 'delete')).toEqual([]);
    const ready = new Scripted(
      (line) =>
        ({
          namespace: 'warehouse-population-drill-s03|population-s03|20261205T160000Z|2026-12-05T16:00:00Z|',
          pod: 'Running 0 0',
          recovery: 'f',
        })[verbOf(line)] ?? '',
    );
    expect(await ready.restoreState(shard)).toEqual({
      state: 'ready',
      madeAt: Date.UTC(2026, 11, 5, 16) / 1000,
    });
  });
});

describe('the restore step waiting for the copy', () => {
  /** The restore step of a drill over an executor whose copy is ready, its place made at `madeAt`. */
  async function settleWith(madeAt: number, startedAt: number) {
    const stateRoot = tempDir();
    const ready: RestoreState = { state: 'ready', readyAt: startedAt + 30, madeAt };
    const x = {
      name: 'kubectl',
      fleet: 'test',
      stateRoot,
      restoreState: async () => ready,
    } as unknown as DrillExecutor;
    const plan: DrillPlan = {
      format: 'citycloud-drill-plan/v1',
      drill: '20261205T160000Z',
      to: null,
      shards: [{ warehouse: 'population', shard: 'population-s03' }],
    };
    const runbook = drillRunbook({ executor: x, plan, model });
    const target = runbook.waves[0]?.targets[0];
    const step = runbook.steps.find((s) => s.name === 'restore');
    if (!target || !step?.settle) throw new Error('no restore step');
    const dir = shardRecords(x, plan.drill, 'population-s03');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'restore.json'), JSON.stringify({ startedAt, target: { kind: 'latest' } }));
    await step.settle(target, { wave: 0, update: () => {}, command: async () => {} }, 'acted');
    const file = join(dir, 'recovered.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { at: number; problem: string | null })
      : null;
  }

  it('a copy whose place was made before this restore began is another drill’s: the restore fails, saying so', async () => {
    const started = Date.UTC(2026, 11, 5, 16) / 1000;
    const stale = await settleWith(started - 30 * 86_400, started);
    expect(stale?.problem).toMatch(
      /^the restore failed: the scratch place was made 2592000 s before this restore began, by another drill; tear it down and drill again$/,
    );
    const fresh = await settleWith(started + 5, started);
    expect(fresh).toEqual({ at: started + 30, problem: null });
  });
});
