/**
 * The restore drill as the engine runs it: per shard, one after another, its recovery point
 * measured before anything is touched, a restore point marked on the source with the source's
 * figures as of it, the newest full backup restored to that point into a scratch place, the
 * copy checked, the scratch place torn down, and the figures judged against the warehouse's
 * promise. Each step's record is a file in the drill's folder, written once its effect is there:
 * a resume after `kill -9` asks the files and the scratch place, never memory, so no shard is
 * restored twice and none is left behind. A restore that fails is a finding, not a stop: the
 * scratch place is torn down all the same, and the last step fails the shard, saying why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWhole } from '../../exec/atomic-file.ts';
import type { BackupPromise, CityModel } from '../../model/index.ts';
import { sleep } from '../engine/run-engine.ts';
import type { BoundRunbook, Step, StepAct } from '../engine/runbook.ts';
import type { DrillExecutor, RestoreTarget } from './drill-executor.ts';
import { checkOf, type DrillPlan, type DrillRecords, type DrillTarget, drillTargets } from './drill-plan.ts';
import { type DrillShardResult, judge } from './drill-result.ts';
import { figuresDiffer } from './table-figures.ts';

export const DRILL_RUNBOOK = 'restore-drill';

const RECORDS = ['recoveryPoint', 'mark', 'restore', 'recovered', 'inspected'] as const;

/** The folder of a drill's records of a shard. */
export const shardRecords = (executor: DrillExecutor, drill: string, shard: string) =>
  join(executor.stateRoot, drill, shard);

function read(dir: string): DrillRecords {
  const out: Record<string, unknown> = {};
  for (const name of RECORDS) {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) continue;
    try {
      out[name] = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new Error(`${file} is not JSON: the drill's record was changed by hand; start a new drill`);
    }
  }
  return out as DrillRecords;
}

const write = (dir: string, name: (typeof RECORDS)[number], value: unknown) =>
  writeWhole(join(dir, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);

/** The restore points a drill writes on a shard start so (an attempt's number follows). */
export const restorePointName = (drill: string, shard: string) =>
  `citycloud-drill-${drill}-${shard}`.slice(0, 56);

/** How far the cluster's clock and this machine's may differ. */
const CLOCK_SKEW_SECONDS = 60;

/** How long a restore may take before the drill stops waiting: four times its objective. */
const recoveryWaitSeconds = (p: BackupPromise) => p.rtoMinutes * 60 * 4;

export interface DrillSettings {
  readonly executor: DrillExecutor;
  readonly plan: DrillPlan;
  readonly model: CityModel;
}

export function drillRunbook(settings: DrillSettings): BoundRunbook<DrillTarget> {
  const { executor: x, plan } = settings;
  const dirOf = (t: DrillTarget) => shardRecords(x, plan.drill, t.id);
  const records = (t: DrillTarget) => read(dirOf(t));
  const pointName = (t: DrillTarget) => restorePointName(plan.drill, t.id);

  const restoreTarget = (r: DrillRecords): RestoreTarget => {
    if (plan.to !== null) return { kind: 'time', at: plan.to };
    const mark = r.mark;
    return mark && 'archived' in mark && mark.archived
      ? { kind: 'restore-point', name: mark.restorePoint, at: mark.at }
      : { kind: 'latest' };
  };

  const recorded = (name: (typeof RECORDS)[number], what: string) => async (t: DrillTarget) =>
    records(t)[name] !== undefined ? what : null;

  /** Waits until the restore is over (ready or failed), at most four times its objective. */
  const awaitRecovery = async (t: DrillTarget, act: StepAct) => {
    const r = records(t);
    if (r.recovered) return;
    const end = Date.now() + recoveryWaitSeconds(t.promise) * 1000;
    for (;;) {
      const s = await x.restoreState(t.shard);
      const startedAt = r.restore?.startedAt ?? 0;
      if (s.state === 'ready' && s.madeAt !== undefined && s.madeAt < startedAt - CLOCK_SKEW_SECONDS) {
        // an earlier drill's copy, left where this one restores: checked, it would pass for this one
        write(dirOf(t), 'recovered', {
          at: Date.now() / 1000,
          problem: `the restore failed: the scratch place was made ${Math.round(startedAt - s.madeAt)} s before this restore began, by another drill; tear it down and drill again`,
        });
        return;
      }
      if (s.state === 'ready') {
        // never before the restore began: the recovery time is the restore's own
        write(dirOf(t), 'recovered', {
          at: Math.max(s.readyAt ?? Date.now() / 1000, startedAt),
          problem: null,
        });
        return;
      }
      if (s.state === 'failed' || s.state === 'absent' || s.state === 'partial' || Date.now() > end) {
        const why =
          s.state === 'failed'
            ? s.problem
            : s.state === 'recovering'
              ? `not recovered after ${recoveryWaitSeconds(t.promise)} s`
              : 'the restored copy is gone';
        const lsn = r.mark && 'lsn' in r.mark ? r.mark.lsn : null;
        const missing = await x.missingWal(t.shard, restoreTarget(r), lsn).catch(() => []);
        const gap =
          missing.length > 0
            ? `; the archive lacks WAL segment${missing.length === 1 ? '' : 's'} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}, which the restore needs: it cannot reach the recovery point past that gap`
            : '';
        // a time is reached only by a commit after it: none archived, and the point is past the archive
        const pastEnd =
          gap === '' && plan.to !== null && /recovery ended before configured recovery target/.test(why)
            ? `; the archive holds no transaction committed after ${plan.to}, so the restore cannot stop there`
            : '';
        write(dirOf(t), 'recovered', {
          at: Date.now() / 1000,
          problem: `the restore failed: ${why}${gap}${pastEnd}`,
        });
        return;
      }
      act.update(`restoring: ${s.detail}`);
      if (act.signal?.aborted)
        throw new Error('interrupted while the restore ran (it goes on; resume to wait for it)');
      await sleep(250, act.signal);
    }
  };

  const steps: Step<DrillTarget>[] = [
    {
      // before anything is touched: what a loss now would take
      name: 'recovery-point',
      describe: (t) => `read the commits of ${t.id} that the archive does not hold yet`,
      done: recorded('recoveryPoint', 'measured'),
      run: async (t, act) => {
        const reading = await x.recoveryPoint(t.shard);
        write(dirOf(t), 'recoveryPoint', reading);
        act.update(
          reading.oldestUnarchivedCommit === null
            ? 'the archive holds every commit of the source'
            : `the oldest commit not archived is ${Math.round(reading.at - reading.oldestUnarchivedCommit)} s old`,
        );
      },
    },
    {
      name: 'mark',
      describe: (t) => x.describe('mark', t.shard, pointName(t)),
      done: recorded('mark', 'marked'),
      run: async (t, act) => {
        if (plan.to !== null) {
          write(dirOf(t), 'mark', {
            skipped: `restored to ${plan.to}: the source as of then is gone, so nothing is compared with it`,
          });
          return;
        }
        // each attempt its own restore point, counted before it is written: a process killed
        // between the point and its record leaves a point a resume never names again (the
        // restore stops at the first point of a name, and would stop at the wrong one)
        const attempts = join(dirOf(t), 'mark-attempts');
        const attempt = (existsSync(attempts) ? Number(readFileSync(attempts, 'utf8')) || 0 : 0) + 1;
        writeWhole(attempts, String(attempt));
        const name = `${pointName(t)}-${attempt}`;
        await act.command(x.describe('mark', t.shard, name));
        const mark = await x.mark(t.shard, name, t.promise.rpoMinutes * 60);
        write(dirOf(t), 'mark', mark);
        act.update(
          !mark.archived
            ? (mark.archiveProblem ?? '')
            : t.shard.engine === 'clickhouse'
              ? `backup ${mark.restorePoint}, the source's partitions written before it read`
              : `restore point at ${mark.lsn}, archived`,
        );
      },
    },
    {
      name: 'restore',
      describe: (t) => x.describe('restore', t.shard, pointName(t)),
      // a restore the server is running (or ran) is not started twice: a kill cut short only
      // this process, not the recovery
      done: async (t) => {
        const r = records(t);
        if (!r.restore) return null;
        if (r.recovered) return 'restored';
        const s = await x.restoreState(t.shard);
        return s.state === 'absent' || s.state === 'partial' ? null : `restore under way (${s.state})`;
      },
      run: async (t, act) => {
        const r = records(t);
        const target = restoreTarget(r);
        // the recovery time counts from the first start, a restore begun again included
        write(dirOf(t), 'restore', { startedAt: r.restore?.startedAt ?? Date.now() / 1000, target });
        await act.command(x.describe('restore', t.shard, JSON.stringify(target)));
        try {
          const { base } = await x.restore(t.shard, target);
          write(dirOf(t), 'restore', { ...records(t).restore, base });
        } catch (err) {
          write(dirOf(t), 'recovered', {
            at: Date.now() / 1000,
            problem: `the restore failed: ${(err as Error).message}`,
          });
        }
      },
      settle: (t, act) => awaitRecovery(t, act),
    },
    {
      name: 'verify',
      describe: (t) => `${checkOf(t)} and the figures of ${t.id}'s restored copy`,
      done: recorded('inspected', 'checked'),
      run: async (t, act) => {
        const r = records(t);
        if (r.recovered?.problem !== null) {
          write(dirOf(t), 'inspected', { at: Date.now() / 1000, skipped: 'nothing was restored to check' });
          return;
        }
        act.update(`${checkOf(t)} and the figures of the restored copy`);
        const startedAt = Date.now() / 1000;
        const copy = await x.inspect(t.shard);
        const differences =
          r.mark && 'databases' in r.mark && r.mark.archived
            ? figuresDiffer(
                r.mark.databases,
                copy.databases,
                t.shard.engine === 'clickhouse' ? 'ignored' : 'compared',
              )
            : [];
        write(dirOf(t), 'inspected', { ...copy, differences, startedAt, at: Date.now() / 1000 });
      },
    },
    {
      name: 'teardown',
      describe: (t) => x.describe('teardown', t.shard, ''),
      done: async (t) => ((await x.scratchLeft(t.shard)) ? null : 'no scratch place left'),
      run: async (t, act) => {
        await act.command(x.describe('teardown', t.shard, ''));
        await x.teardown(t.shard);
      },
    },
    {
      // harmless to repeat: it reads the records and says what they show
      name: 'judge',
      describe: (t) => `judge ${t.id} against its promise`,
      done: async () => null,
      run: async (t) => {
        const result = judge(t, plan, records(t));
        writeWhole(join(dirOf(t), 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
        if (!result.passed) throw new Error(`${t.id}: ${result.problems.join('; ')}`);
      },
    },
  ];

  return {
    name: DRILL_RUNBOOK,
    waves:
      plan.shards.length === 0
        ? []
        : [
            {
              index: 0,
              title: `restore drill ${plan.drill}: ${plan.shards.length} ${plan.shards.length === 1 ? 'shard' : 'shards'}, one at a time`,
              targets: drillTargets(settings.model, plan),
            },
          ],
    steps,
    window: null,
    summary: `${plan.shards.length} ${plan.shards.length === 1 ? 'shard' : 'shards'} to restore and verify`,
    noun: ['shard', 'shards'],
    done: 'drilled',
    finished: (t) => {
      const file = join(dirOf(t), 'result.json');
      return existsSync(file)
        ? summaryOf(JSON.parse(readFileSync(file, 'utf8')) as DrillShardResult)
        : 'drilled';
    },
  };
}

/** A shard's result in a line. */
export const summaryOf = (r: DrillShardResult): string =>
  `${r.passed ? 'passed' : 'FAILED'}: recovery point ${r.recoveryPoint.measuredSeconds === null ? 'unknown' : `${r.recoveryPoint.measuredSeconds} s`} (objective ${r.recoveryPoint.objectiveSeconds} s), recovery time ${r.recoveryTime.measuredSeconds === null ? 'unknown' : `${r.recoveryTime.measuredSeconds} s`} (objective ${r.recoveryTime.objectiveSeconds} s)`;
