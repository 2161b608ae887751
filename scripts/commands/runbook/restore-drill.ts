/**
 * `citycloud runbook restore-drill`: restore a warehouse shard's newest backup into a scratch
 * place, verify it, measure its recovery point and time against the warehouse's promise, tear
 * the scratch place down, and write a report — for one warehouse, or every one whose promise
 * has a drill, one shard each in turn. On the runbook engine: journaled, locked, resumable after
 * `kill -9` with `--resume RUN` (no shard restored twice, no scratch place left behind).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { writeWhole } from '../../../exec/atomic-file.ts';
import { clusterOwner, runAsOwner } from '../../../exec/postgres-server.ts';
import type { CityModel, Warehouse } from '../../../model/index.ts';
import type { DrillExecutor } from '../../../runbooks/drill/drill-executor.ts';
import { DRILL_PLAN_FORMAT, type DrillPlan } from '../../../runbooks/drill/drill-plan.ts';
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
import { sameIdentity } from '../../../runbooks/engine/journal-records.ts';
import { type EngineContext, resumeRun, startRun } from '../../../runbooks/engine/run-engine.ts';
import type { RunStore } from '../../../runbooks/engine/run-store.ts';
import { ExecutorError } from '../../../runbooks/executors/executor.ts';
import { inert } from '../../../view/terminal.ts';
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
  return `${w.id}-s${String((months % w.shards) + 1).padStart(2, '0')}`;
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
    const shard =
      opts.shard === undefined ? shardInTurn(w, now) : `${w.id}-s${String(opts.shard).padStart(2, '0')}`;
    return [{ warehouse: w.id, shard }];
  }
  if (opts.shard !== undefined) throw new RunbookUsageError('--shard needs --warehouse');
  return model.warehouses
    .filter((w) => w.backup.drill !== null && (opts.executor !== 'local' || w.engine === 'postgresql'))
    .map((w) => ({ warehouse: w.id, shard: shardInTurn(w, now) }));
}

/** The executor the options name, its tools checked. */
async function executorOf(model: CityModel, opts: DrillOptions): Promise<DrillExecutor> {
  if (opts.executor === 'kubectl') {
    const made = KubectlDrillExecutor.fromPath(model, {
      stateRoot: join(resolve(opts.site ?? defaultDrillSite(model.city.code)), 'drills'),
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
  const site = resolve(opts.site ?? defaultDrillSite(model.city.code));
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
 * The local sources of the plan's shards, made or started where missing; returns a function
 * that stops again those it started (a source found running is left running).
 */
async function prepareLocal(
  model: CityModel,
  plan: DrillPlan,
  opts: DrillOptions,
  say: (t: string) => void,
): Promise<() => Promise<void>> {
  const owner = clusterOwner();
  if ('problem' in owner) return async () => {};
  const started: string[] = [];
  const site = resolve(opts.site ?? defaultDrillSite(model.city.code));
  for (const { warehouse, shard } of plan.shards) {
    const w = model.warehouses.find((x) => x.id === warehouse) as Warehouse;
    const folders = shardFolders(site, shard);
    const did = await ensureSource(owner, folders, {
      sizeMb: opts.sizeMb,
      rpoSeconds: w.backup.rpoMinutes * 60,
      fullBackupsKept: w.backup.fullBackupsKept,
    }).catch((err: Error) => {
      throw new ExecutorError(
        `the local stand-in for ${shard} in ${folders.root} could not be made or started: ${err.message}`,
      );
    });
    if (did === 'made')
      say(
        `made the local stand-in for ${shard}: a PostgreSQL cluster of about ${opts.sizeMb} MB in ${folders.source}, archiving to ${folders.wal}, a full backup in ${folders.base}`,
      );
    else if (did === 'started') say(`started the local stand-in for ${shard} (${folders.source})`);
    if (did !== 'running') started.push(folders.source);
  }
  return async () => {
    for (const data of started) await stopCluster(owner, data, 'fast').catch(() => {});
  };
}

/**
 * The approver journaled for a drill the stacks' CronJob runs: the warehouse's `backup.drill`
 * schedule, which the inventory's review approved and the deploy put in place.
 */
const SCHEDULE_APPROVAL = 'the inventory’s backup.drill schedule';

const compact = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

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
  const executor = await executorOf(model, opts);
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
            if (executor.name === 'local')
              stopSources = await prepareLocal(model, plan, opts, (t) => progress.line(t));
            try {
              return { book: drillRunbook({ executor, plan, model }) as never };
            } catch (err) {
              return { problem: (err as Error).message };
            }
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
          drill: compact(now),
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
          stopSources = await prepareLocal(model, plan, opts, (t) => progress.line(t));
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
      if (opts.json)
        console.log(
          inert(readFileSync(join(resolve(opts.reportDir), `restore-drill-${drilled.drill}.json`), 'utf8')),
        );
      else for (const l of report.lines) show(l);
    }
    const how = outcome.status === 'succeeded' ? '✓' : outcome.status === 'failed' ? '✗' : '‖';
    console.error(inert(`${how} ${outcome.status}: ${outcome.reason}`));
    if (outcome.status !== 'succeeded')
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
