/**
 * `citycloud runbook restore-drill`: restore a warehouse shard's newest backup into a scratch
 * place, verify it, measure its recovery point and time against the warehouse's promise, tear
 * the scratch place down, and write a report — for one warehouse, or every one whose promise
 * has a drill, one shard each in turn. On the runbook engine: journaled, locked, resumable after
 * `kill -9` with `--resume RUN` (no shard restored twice, no scratch place left behind).
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { writeWhole } from '../../../exec/atomic-file.ts';
import { clusterOwner, runAsOwner } from '../../../exec/postgres-server.ts';
import { type CityModel, type Warehouse, warehouseShardName } from '../../../model/index.ts';
import type { DrillExecutor } from '../../../runbooks/drill/drill-executor.ts';
import {
  compactUtc,
  DRILL_PLAN_FORMAT,
  type DrillPlan,
  drillTargets,
} from '../../../runbooks/drill/drill-plan.ts';
import {
  drillReport,
  reportDigest,
  reportHtml,
  reportJson,
  reportMarkdown,
} from '../../../runbooks/drill/drill-report.ts';
import type { DrillShardResult } from '../../../runbooks/drill/drill-result.ts';
import {
  DRILL_RUNBOOK,
  drillRunbook,
  shardRecords,
  summaryOf,
} from '../../../runbooks/drill/drill-runbook.ts';
import { KubectlDrillExecutor } from '../../../runbooks/drill/kubectl-drill.ts';
import { LocalDrillExecutor } from '../../../runbooks/drill/local-drill.ts';
import { ensureSource, SITE_PATH, shardFolders, stopCluster } from '../../../runbooks/drill/local-site.ts';
import { lockSite } from '../../../runbooks/drill/site-lock.ts';
import { sameIdentity } from '../../../runbooks/engine/journal-records.ts';
import { type EngineContext, resumeRun, startRun } from '../../../runbooks/engine/run-engine.ts';
import type { RunStore } from '../../../runbooks/engine/run-store.ts';
import { ExecutorError } from '../../../runbooks/executors/executor.ts';
import { inert, inertJson } from '../../../view/terminal.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { DEFAULT_DRILL_REPORT_DIR, defaultDrillSite, shown } from '../../cli/defaults.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { instant, wholeNumber } from '../../cli/parsers.ts';
import { actor, personName } from './people.ts';
import { crashHook, exitOf, interruptible, reporter, unlessJournalLost } from './run-session.ts';
import {
  loadModel,
  RunbookUsageError,
  type StoreOptions,
  show,
  storeOf,
  withStoreOptions,
} from './run-store.ts';

export interface DrillOptions extends StoreOptions {
  readonly executor: 'local' | 'kubectl';
  readonly warehouse?: string;
  readonly shard?: number;
  readonly to?: string;
  readonly site?: string;
  readonly sizeMb: number;
  readonly kubeContext?: string;
  readonly reportDir: string;
  readonly approvedBy?: string;
  /** Run by the stacks' CronJob: approved by the inventory's reviewed drill schedule. */
  readonly scheduled?: boolean;
  readonly operator?: string;
  readonly resume?: string;
  readonly json?: boolean;
}

/** The shard a warehouse is drilled on this time: each in turn, month by month. */
export function shardInTurn(w: Pick<Warehouse, 'id' | 'shards'>, now: Date): string {
  const months = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return warehouseShardName(w.id, (months % w.shards) + 1);
}

/** The warehouses drilled and the shard of each: one named, or every one whose promise has a drill. */
function shardsOf(model: CityModel, opts: DrillOptions, now: Date): DrillPlan['shards'] {
  if (opts.warehouse !== undefined) {
    const w = model.warehouses.find((x) => x.id === opts.warehouse);
    if (!w)
      throw new RunbookUsageError(
        `--warehouse ${opts.warehouse}: no such warehouse (the inventory's: ${model.warehouses.map((x) => x.id).join(', ')})`,
      );
    if (opts.executor === 'local' && w.engine !== 'postgresql')
      throw new RunbookUsageError(
        `--warehouse ${w.id} is a ${w.engine} warehouse: the local executor restores PostgreSQL; drill it with --executor kubectl`,
      );
    if (opts.shard !== undefined && opts.shard > w.shards)
      throw new RunbookUsageError(`--shard ${opts.shard}: warehouse ${w.id} has ${w.shards} shards`);
    const shard = opts.shard === undefined ? shardInTurn(w, now) : warehouseShardName(w.id, opts.shard);
    return [{ warehouse: w.id, shard }];
  }
  if (opts.shard !== undefined) throw new RunbookUsageError('--shard needs --warehouse');
  return model.warehouses
    .filter((w) => w.backup.drill !== null && (opts.executor !== 'local' || w.engine === 'postgresql'))
    .map((w) => ({ warehouse: w.id, shard: shardInTurn(w, now) }));
}

/** The executor the options name, its tools checked. */
async function executorOf(model: CityModel, opts: DrillOptions, site: string): Promise<DrillExecutor> {
  if (opts.executor === 'kubectl') {
    const made = KubectlDrillExecutor.fromPath(model, {
      stateRoot: join(site, 'drills'),
      ...(opts.kubeContext ? { context: opts.kubeContext } : {}),
    });
    if ('problem' in made) throw new ExecutorError(made.problem);
    const down = await made.unreachable();
    if (down)
      throw new ExecutorError(
        `no Kubernetes API server answers on ${made.fleet} (${down}); nothing was started or journaled`,
      );
    return made;
  }
  const owner = clusterOwner();
  if ('problem' in owner) throw new ExecutorError(`the local executor needs PostgreSQL: ${owner.problem}`);
  if (!SITE_PATH.test(site))
    throw new RunbookUsageError(
      `--site ${site}: a site's folder reaches PostgreSQL's settings; use letters, digits and _ . / - only`,
    );
  mkdirSync(site, { recursive: true, mode: 0o755 });
  if (owner.ids && (await runAsOwner(owner, ['test', '-x', site, '-a', '-r', site])).code !== 0)
    throw new RunbookUsageError(
      `--site ${site}: the postgres user, which runs PostgreSQL here, cannot reach that folder (a folder above it is closed to other users); name one it can reach, such as /var/lib/citycloud/drill-site`,
    );
  return new LocalDrillExecutor(owner, site);
}

/**
 * The local site taken for the drill (one drill at a time on it), and the stand-ins of the
 * plan's shards made or started where missing; returns what stops those this drill started (a
 * resume included: each says so in its folder) and gives the site back. A stand-in found running
 * that no drill started is left running.
 */
async function prepareLocal(
  site: string,
  model: CityModel,
  plan: DrillPlan,
  opts: DrillOptions,
  say: (t: string) => void,
): Promise<() => Promise<void>> {
  const owner = clusterOwner();
  if ('problem' in owner) return async () => {};
  const release = lockSite(site, plan.drill);
  const ours: { data: string; marker: string }[] = [];
  try {
    for (const t of drillTargets(model, plan)) {
      const folders = shardFolders(site, t.id);
      const marker = join(folders.root, 'source-started-by-drill');
      const did = await ensureSource(owner, folders, {
        sizeMb: opts.sizeMb,
        rpoSeconds: t.promise.rpoMinutes * 60,
        fullBackupsKept: t.promise.fullBackupsKept,
      }).catch((err: Error) => {
        throw new ExecutorError(
          `the local stand-in for ${t.id} in ${folders.root} could not be made or started: ${err.message}`,
        );
      });
      if (did === 'made')
        say(
          `made the local stand-in for ${t.id}: a PostgreSQL cluster of about ${opts.sizeMb} MB in ${folders.source}, archiving to ${folders.wal}, a full backup in ${folders.base}`,
        );
      else if (did === 'started') say(`started the local stand-in for ${t.id} (${folders.source})`);
      if (did !== 'running') writeWhole(marker, plan.drill);
      if (existsSync(marker) && readFileSync(marker, 'utf8') === plan.drill)
        ours.push({ data: folders.source, marker });
    }
  } catch (err) {
    release();
    throw err;
  }
  return async () => {
    for (const { data, marker } of ours) {
      await stopCluster(owner, data, 'fast').catch(() => {});
      rmSync(marker, { force: true });
    }
    release();
  };
}

/**
 * The approver journaled for a drill the stacks' CronJob runs: the warehouse's `backup.drill`
 * schedule, which the inventory's review approved and the deploy put in place.
 */
const SCHEDULE_APPROVAL = 'the inventory’s backup.drill schedule';

/** A journaled plan read back: its shape checked (the inventory checks its shards when bound). */
function readPlan(value: unknown): DrillPlan | null {
  const p = value as Partial<DrillPlan> | null;
  if (
    !p ||
    p.format !== DRILL_PLAN_FORMAT ||
    typeof p.drill !== 'string' ||
    !/^\d{8}T\d{6}Z$/.test(p.drill) ||
    !(p.to === null || (typeof p.to === 'string' && Number.isFinite(Date.parse(p.to)))) ||
    !Array.isArray(p.shards) ||
    !p.shards.every((s) => typeof s?.warehouse === 'string' && typeof s?.shard === 'string')
  )
    return null;
  return p as DrillPlan;
}

/** The report of a run, from the results its shards' records hold; written, and said. */
function writeReport(
  model: CityModel,
  executor: DrillExecutor,
  run: string,
  plan: DrillPlan,
  opts: DrillOptions,
): { passed: boolean; lines: string[] } {
  const results: DrillShardResult[] = plan.shards.flatMap(({ shard }) => {
    try {
      return [
        JSON.parse(
          readFileSync(join(shardRecords(executor, plan.drill, shard), 'result.json'), 'utf8'),
        ) as DrillShardResult,
      ];
    } catch {
      return [];
    }
  });
  const report = drillReport(
    { run, drill: plan.drill, city: model.city.code, executor: executor.name, fleet: executor.fleet },
    plan.shards.map((s) => s.shard),
    results,
  );
  const dir = resolve(opts.reportDir);
  const json = reportJson(report);
  const base = join(dir, `restore-drill-${plan.drill}`);
  writeWhole(`${base}.json`, json);
  writeWhole(`${base}.md`, reportMarkdown(report));
  writeWhole(`${base}.html`, reportHtml(report));
  return {
    passed: report.passed,
    lines: [
      ...results.map((r) => `  ${r.shard}: ${summaryOf(r)}`),
      `report: ${shown(`${base}.json`)} (SHA-256 ${reportDigest(json)}), ${shown(`${base}.md`)}, ${shown(`${base}.html`)}`,
    ],
  };
}

export async function runRestoreDrill(opts: DrillOptions): Promise<number> {
  const model = loadModel(opts.inventory);
  const site = resolve(opts.site ?? defaultDrillSite(model.city.code));
  // the folders it writes, checked before anything is made or journaled
  for (const [option, dir] of [
    ['--site', site],
    ['--report-dir', resolve(opts.reportDir)],
  ] as const) {
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new RunbookUsageError(`${option} ${dir} is not a folder`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      accessSync(dir, constants.W_OK);
    } catch (err) {
      throw new RunbookUsageError(
        `${option} ${dir} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const executor = await executorOf(model, opts, site);
  const store: RunStore = storeOf(model, opts);
  const { signal, done } = interruptible();
  let stopSources = async () => {};
  const progress = reporter(opts.json);
  const who = actor(opts.operator);
  const approvedBy = opts.approvedBy === undefined ? undefined : personName(opts.approvedBy, '--approved-by');
  try {
    const hook = crashHook();
    const ctx: EngineContext = {
      store,
      reporter: progress,
      actor: who,
      // one shard at a time; a shard that fails does not stop the others
      settings: {
        maxFailures: 10_000,
        gateSettleSeconds: 0,
        gateTimeoutSeconds: 1,
        outsideWindow: 'wait',
        concurrency: 1,
      },
      executor: `drill-${executor.name}`,
      fleet: executor.fleet,
      fourEyes: model.runbooks.fourEyes,
      signal,
      ...(hook ? { afterAction: hook } : {}),
    };
    let plan: DrillPlan | null = null;
    let prepared = false;
    const outcome = await unlessJournalLost(
      async () => {
        if (opts.resume !== undefined)
          return resumeRun(ctx, opts.resume, { executor: executor.name }, async (started) => {
            if (started.runbook !== DRILL_RUNBOOK)
              return {
                problem: `it is a run of ${started.runbook}, not a restore drill: resume it with citycloud runbook resume`,
              };
            plan = readPlan(started.plan);
            if (!plan) return { problem: 'its journaled plan is not a restore drill’s' };
            let book: ReturnType<typeof drillRunbook>;
            try {
              // its shards checked against the inventory before anything is made for them
              book = drillRunbook({ executor, plan, model });
            } catch (err) {
              return { problem: (err as Error).message };
            }
            // bound twice (before the run's lock and under it): the site is prepared once
            if (executor.name === 'local' && !prepared) {
              prepared = true;
              stopSources = await prepareLocal(site, model, plan, opts, (t) => progress.line(t));
            }
            return { book: book as never };
          });
        if (opts.scheduled && approvedBy !== undefined)
          throw new RunbookUsageError(
            '--scheduled is approved by the inventory’s drill schedule: give it or --approved-by, not both',
          );
        if (model.runbooks.fourEyes && !opts.scheduled) {
          if (approvedBy === undefined)
            throw new RunbookUsageError(
              'runbooks.fourEyes is on: a drill needs --approved-by NAME, someone other than the operator',
            );
          if (sameIdentity(approvedBy, who.user))
            throw new RunbookUsageError(
              `runbooks.fourEyes is on: the approver (${approvedBy}) must be someone other than the operator (${who.user}); nothing was done`,
            );
        }
        const now = new Date();
        plan = {
          format: DRILL_PLAN_FORMAT,
          drill: compactUtc(now),
          to: opts.to ?? null,
          shards: shardsOf(model, opts, now),
        };
        if (plan.shards.length === 0)
          throw new RunbookUsageError(
            opts.executor === 'local'
              ? 'no PostgreSQL warehouse of the inventory has a drill in its backup promise: name one with --warehouse'
              : 'no warehouse of the inventory has a drill in its backup promise: name one with --warehouse',
          );
        if (executor.name === 'local')
          stopSources = await prepareLocal(site, model, plan, opts, (t) => progress.line(t));
        return startRun(ctx, drillRunbook({ executor, plan, model }), {
          plan,
          approvedBy: opts.scheduled ? SCHEDULE_APPROVAL : (approvedBy ?? who.user),
          options: { executor: executor.name },
          says: `restore drill of ${plan.shards.map((s) => s.shard).join(', ')}${plan.to ? ` to ${plan.to}` : ''}`,
        });
      },
      store,
      'shards',
    );
    if (!outcome) return EXIT.paused;
    const drilled = plan as DrillPlan | null;
    if (drilled) {
      const report = writeReport(model, executor, outcome.run, drilled, opts);
      // the report's JSON, its strings' control and direction characters escaped as JSON does
      if (opts.json)
        console.log(
          inertJson(
            readFileSync(join(resolve(opts.reportDir), `restore-drill-${drilled.drill}.json`), 'utf8'),
          ),
        );
      else for (const l of report.lines) show(l);
    }
    const how = outcome.status === 'succeeded' ? '✓' : outcome.status === 'failed' ? '✗' : '‖';
    // a failed drill's verdict is its records: a resume would judge them again, a new drill tries again
    const reason =
      outcome.status === 'failed'
        ? `the drill found what the report says; run a new drill once it is mended (a resume judges the same records)`
        : outcome.reason;
    console.error(inert(`${how} ${outcome.status}: ${reason}`));
    if (outcome.status === 'paused')
      console.error(
        inert(
          `  see it: citycloud runbook status ${outcome.run}${store.storeArgs}; continue it: citycloud runbook restore-drill --resume ${outcome.run} --executor ${executor.name}${store.storeArgs}`,
        ),
      );
    return exitOf(outcome);
  } finally {
    await stopSources();
    done();
    await store.close();
  }
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withStoreOptions(
      runbook
        .command('restore-drill')
        .description(
          'restore a warehouse shard’s newest backup into a scratch place, verify it, measure its recovery point and time against the promise, and report',
        ),
    )
      .addOption(
        new Option('--executor <name>', 'local: PostgreSQL on this machine; kubectl: the city')
          .choices(['local', 'kubectl'])
          .makeOptionMandatory(),
      )
      .option('--warehouse <id>', 'the warehouse (default: every one whose promise has a drill)')
      .option(
        '--shard <n>',
        'its shard (default: each in turn, month by month)',
        wholeNumber('a shard', 1, 10_000),
      )
      .option(
        '--to <instant>',
        'restore to this point in time (ISO 8601 with its zone) instead of now',
        instant,
      )
      .option('--site <dir>', 'executor local: the stand-in shards and their archive (made when missing)')
      .option(
        '--size-mb <n>',
        'executor local: how much data a stand-in shard made now holds',
        wholeNumber('megabytes', 1, 100_000),
        64,
      )
      .option('--kube-context <name>', 'executor kubectl: the kubeconfig context')
      .option('--report-dir <dir>', 'where the report goes', DEFAULT_DRILL_REPORT_DIR)
      .option('--approved-by <name>', 'who approved the drill (with runbooks.fourEyes, not the operator)')
      .option(
        '--scheduled',
        'run by the stacks’ CronJob: approved by the warehouse’s backup.drill schedule, reviewed with the inventory',
      )
      .option('--operator <name>', 'who runs it (default: your user name)')
      .option('--resume <run>', 'continue a drill stopped or killed: no shard restored twice')
      .option('--json', 'print the report as JSON (progress goes to stderr)')
      .addHelpText(
        'after',
        '\nExamples:\n  citycloud runbook restore-drill --executor local --warehouse population\n  citycloud runbook restore-drill --executor kubectl --kube-context city --approved-by lan.nguyen',
      )
      .action(async (opts: DrillOptions, _cmd: Command) => {
        process.exitCode = await runRestoreDrill(opts);
      }),
};
