/**
 * `citycloud runbook upgrade plan | --execute`, `runbook resume RUN`, `runbook status [RUN]`,
 * `runbook unlock --reason TEXT`: the rolling upgrade of the fleet (runbooks/upgrade/).
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { type CityModel, formatFinding, hasErrors, loadCity, UserError } from '../../model/index.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { type Actor, replay, sameIdentity } from '../../runbooks/engine/journal-records.ts';
import { hasPassword, isPostgresUrl, PgRunStore } from '../../runbooks/engine/pg-store.ts';
import { ListrReporter, PlainReporter, type Reporter } from '../../runbooks/engine/progress.ts';
import { prometheusWithAuth } from '../../runbooks/engine/prometheus-auth.ts';
import {
  JournalRefused,
  JournalUnwritable,
  type LockInfo,
  RunNotFound,
  type RunStore,
} from '../../runbooks/engine/run-store.ts';
import type { Executor } from '../../runbooks/executors/executor.ts';
import { KubectlSshExecutor } from '../../runbooks/executors/kubectl-ssh-executor.ts';
import { SimExecutor } from '../../runbooks/executors/sim-executor.ts';
import { formatPlan } from '../../runbooks/upgrade/format-plan.ts';
import { liveVersions } from '../../runbooks/upgrade/live-state.ts';
import {
  planUpgrade,
  readPlan,
  type UpgradePlan,
  versionProblem,
} from '../../runbooks/upgrade/upgrade-plan.ts';
import {
  newRunId,
  type RunContext,
  type RunOutcome,
  type RunSettings,
  resumeUpgrade,
  startUpgrade,
} from '../../runbooks/upgrade/upgrade-run.ts';
import { formatStatus, type UpgradeStatus, upgradeStatus } from '../../runbooks/upgrade/upgrade-status.ts';
import { inert, inertJson } from '../../view/terminal.ts';
import { BUILTIN_INVENTORY, defaultRunsDir } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { shellArg } from '../cli/shell-arg.ts';

/** Bad usage of a runbook command: one line, exit 2. */
export class RunbookUsageError extends UserError {
  /** Exit 2: bad usage. */
  readonly exitCode = 2;
}

export interface StoreOptions {
  readonly inventory: string;
  readonly state?: 'local' | 'pg';
  /** The local store's folder; by default the user's, per city (defaultRunsDir). */
  readonly runsDir?: string;
  readonly stateUrl?: string;
}

export interface ExecuteOptions extends StoreOptions {
  readonly to?: string;
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  readonly executor: 'sim' | 'kubectl-ssh';
  readonly simulator: string;
  readonly approvedBy?: string;
  readonly operator?: string;
  readonly maxFailures: number;
  readonly gateTimeout: number;
  readonly gateSettle: number;
  readonly rebootTimeout: number;
  readonly concurrency: number;
  readonly exitOutsideWindow?: boolean;
  readonly sshUser?: string;
  readonly upgradeCommand?: string;
  readonly kubeContext?: string;
  readonly json?: boolean;
}

function loadModel(inventory: string): CityModel {
  const { model, findings } = loadCity(inventory);
  if (!model || hasErrors(findings)) {
    for (const f of findings) console.error(formatFinding(f));
    throw new RunbookUsageError('the inventory has errors; fix them first (citycloud validate)');
  }
  return model;
}

/** The options naming the store that are not the defaults, repeated in every hint printed. */
function storeArgs(opts: StoreOptions): string {
  return [
    opts.inventory !== BUILTIN_INVENTORY && !opts.runsDir && opts.state !== 'pg'
      ? ` --inventory ${shellArg(opts.inventory)}`
      : '',
    opts.state ? ` --state ${opts.state}` : '',
    opts.runsDir ? ` --runs-dir ${shellArg(opts.runsDir)}` : '',
  ].join('');
}

/** The store the inventory implies (PostgreSQL when Terraform's state is there), or the one asked. */
function storeOf(model: CityModel, opts: StoreOptions): RunStore {
  const kind = opts.state ?? (model.terraformState.backend === 'pg' ? 'pg' : 'local');
  if (kind === 'local')
    return new FileRunStore(opts.runsDir ?? defaultRunsDir(model.city.code), storeArgs(opts));
  for (const [from, v] of [
    ['--state-url', opts.stateUrl],
    ['PG_CONN_STR', opts.stateUrl === undefined ? process.env.PG_CONN_STR : undefined],
  ] as const)
    if (v !== undefined && !isPostgresUrl(v))
      throw new RunbookUsageError(
        `${from} must be a postgres:// URL (a keyword string such as "host=… password=…" is not read, and would be shown)`,
      );
  if (opts.stateUrl !== undefined && hasPassword(opts.stateUrl))
    throw new RunbookUsageError(
      '--state-url carries a password, which every user sees in ps; give the connection string in PG_CONN_STR, or its password in PGPASSWORD or ~/.pgpass',
    );
  const url = opts.stateUrl ?? process.env.PG_CONN_STR;
  if (!url)
    throw new RunbookUsageError(
      'the PostgreSQL run store needs a connection string: --state-url postgres://… or PG_CONN_STR (as Terraform’s pg backend reads it)',
    );
  return new PgRunStore(url, storeArgs(opts));
}

/** What the local store protects, said at the start of every run that uses it. */
const storeScope = (store: RunStore, model: CityModel) =>
  store instanceof FileRunStore
    ? `local run store ${store.where}: it keeps one run at a time of ${model.city.name} for this account on this machine only; operators on other machines or accounts share the PostgreSQL store (--state pg)`
    : `run store ${store.where}: one run at a time of ${model.city.name} for everyone using it`;

/** The Prometheus to query (credentials from --prometheus-auth-file or the environment) and to show. */
function prometheusOf(opts: { prometheus: string; prometheusAuthFile?: string }) {
  try {
    return prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  } catch (err) {
    throw new RunbookUsageError((err as Error).message);
  }
}

/** The target version, checked before anything is asked or acted on. */
function targetOf(to: string | undefined, what: string): string {
  if (to === undefined) throw new RunbookUsageError(`${what} needs the target version: --to VERSION`);
  const problem = versionProblem(to);
  if (problem) throw new RunbookUsageError(`--to ${problem}; nothing was done`);
  return to;
}

/**
 * A person's name as given (--operator, --approved-by): one to 64 visible characters, no control,
 * format or invisible character (a zero-width space would make `alice` another name).
 */
function personName(name: string, option: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > 64 || /[\p{C}\p{Default_Ignorable_Code_Point}]/u.test(n))
    throw new RunbookUsageError(
      `${option} must be a person's name: 1 to 64 visible characters, none of them control, format or invisible`,
    );
  return n;
}

const actor = (operator?: string): Actor => ({
  user: personName(operator ?? userInfo().username, '--operator'),
  host: hostname(),
  pid: process.pid,
});

/** Prints text from the journal, the lock or the fleet: inert on a terminal, whatever it holds. */
const show = (text: string) => console.log(inert(text, { lines: true }));

/** The live task list on a terminal wide enough to draw it; timestamped lines otherwise. */
const reporter = (json?: boolean): Reporter =>
  process.stdout.isTTY && !json && (process.stdout.columns ?? 0) >= 60
    ? new ListrReporter()
    : new PlainReporter((t) => (json ? process.stderr : process.stdout).write(t));

/** The executor; kubectl-ssh reports every attempt of every command on the run's progress. */
function executorOf(opts: ExecuteOptions, shown: Reporter): Executor {
  if (opts.executor === 'sim') return new SimExecutor(opts.simulator);
  return KubectlSshExecutor.fromPath({
    onAttempt: (line) => shown.line(line),
    ...(opts.sshUser ? { sshUser: opts.sshUser } : {}),
    ...(opts.upgradeCommand ? { upgradeCommand: opts.upgradeCommand } : {}),
    ...(opts.kubeContext ? { context: opts.kubeContext } : {}),
  });
}

const settings = (opts: ExecuteOptions, prometheus: string): RunSettings => ({
  prometheus,
  maxFailures: opts.maxFailures,
  gateSettleSeconds: opts.gateSettle,
  gateTimeoutSeconds: opts.gateTimeout,
  rebootTimeoutSeconds: opts.rebootTimeout,
  outsideWindow: opts.exitOutsideWindow ? 'exit' : 'wait',
  concurrency: opts.concurrency,
});

/** SIGINT/SIGTERM stop the run between steps (the steps under way finish); it stays resumable. */
function interruptible(): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    done: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/**
 * Fault injection for the crash tests: CITYCLOUD_CRASH_AFTER=<step>:<n> (e.g. upgrade:2) kills
 * this process with SIGKILL right after its nth action of that step on the fleet, before the
 * action's journal line: the worst moment to die.
 */
function crashHook(): RunContext['afterAction'] {
  const m = /^(cordon|drain|upgrade|reboot|uncordon):([1-9]\d*)$/.exec(
    process.env.CITYCLOUD_CRASH_AFTER ?? '',
  );
  if (!m) return undefined;
  const [, step, n] = m;
  let seen = 0;
  return (done) => {
    if (done === step && ++seen === Number(n)) process.kill(process.pid, 'SIGKILL');
  };
}

const exitOf = (o: RunOutcome) =>
  o.status === 'succeeded' ? EXIT.ok : o.status === 'failed' ? EXIT.problems : EXIT.paused;

function printOutcome(o: RunOutcome, status: UpgradeStatus, storeArgs: string, json?: boolean): void {
  if (json) {
    console.log(inertJson(JSON.stringify({ ...status, outcome: o.status, reason: o.reason }, null, 2)));
    return;
  }
  show(formatStatus(status));
  const how = o.status === 'succeeded' ? '✓' : o.status === 'failed' ? '✗' : '‖';
  show(`${how} ${o.status}: ${o.reason}`);
  if (o.status !== 'succeeded')
    console.log(
      `  see it: citycloud runbook status ${o.run}${storeArgs}; continue it: citycloud runbook resume ${o.run}${storeArgs}`,
    );
}

/** A run's status from its journal (its plan read as a plan), or null when it has no records. */
async function statusOf(store: RunStore, run: string): Promise<UpgradeStatus | null> {
  const journal = await store.journal(run, { create: false });
  try {
    const state = replay(await journal.read());
    if (!state.started) return null;
    const read = readPlan(state.started.plan);
    if ('problem' in read)
      throw new JournalRefused(`run ${run}: its journaled plan is not a plan (${read.problem})`);
    return upgradeStatus(run, state);
  } finally {
    await journal.close();
  }
}

const noRecords = (run: string) =>
  `run ${run} has no records: it was stopped as it started, before its first record, and acted on nothing`;

export async function runUpgradePlan(opts: {
  inventory: string;
  to?: string;
  prometheus: string;
  prometheusAuthFile?: string;
  json?: boolean;
}): Promise<number> {
  const to = targetOf(opts.to, 'the plan');
  const prometheus = prometheusOf(opts);
  const model = loadModel(opts.inventory);
  const plan = planUpgrade(model, await liveVersions(prometheus.query, to), to);
  console.log(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  return EXIT.ok;
}

async function approval(
  model: CityModel,
  operator: string,
  approvedBy: string | undefined,
  plan: UpgradePlan,
): Promise<string> {
  let approver = approvedBy === undefined ? undefined : personName(approvedBy, '--approved-by');
  if (!approver) {
    if (!process.stdin.isTTY)
      throw new RunbookUsageError(
        '--execute needs an approval: pass --approved-by NAME (or run it on a terminal to be asked)',
      );
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    approver = (
      await rl.question(
        `Upgrade ${plan.toUpgrade} ${plan.toUpgrade === 1 ? 'server' : 'servers'} to ${plan.target} in ${plan.waves.length} ${plan.waves.length === 1 ? 'wave' : 'waves'}. Approver's name (empty to cancel): `,
      )
    ).trim();
    rl.close();
    if (!approver) throw new RunbookUsageError('not approved; nothing was done');
    approver = personName(approver, "the approver's name");
  }
  fourEyes(model, operator, approver);
  return approver;
}

/** With runbooks.fourEyes, the approver is another person than the operator, however either is typed. */
function fourEyes(model: CityModel, operator: string, approver: string): void {
  if (model.runbooks.fourEyes && sameIdentity(approver, operator))
    throw new RunbookUsageError(
      `runbooks.fourEyes is on: the approver (${approver}) must be someone other than the operator (${operator}); nothing was done`,
    );
}

/** The run's context, from the command line: every argument checked before anything acts. */
function contextOf(model: CityModel, store: RunStore, opts: ExecuteOptions, signal: AbortSignal): RunContext {
  const progress = reporter(opts.json);
  return {
    model,
    store,
    executor: executorOf(opts, progress),
    reporter: progress,
    actor: actor(opts.operator),
    settings: settings(opts, prometheusOf(opts).query),
    signal,
    afterAction: crashHook(),
  };
}

/** Prints how a run ended; a run stopped because its journal could not be written says so in one line. */
async function finished(
  store: RunStore,
  opts: ExecuteOptions,
  go: () => Promise<RunOutcome>,
): Promise<number> {
  let outcome: RunOutcome;
  try {
    outcome = await go();
  } catch (err) {
    if (err instanceof JournalUnwritable) {
      console.error(
        inert(
          `‖ stopped: ${err.message}; the servers under way finished their current step. Resume it once the store is back: citycloud runbook resume ${err.run ?? 'RUN'}${store.storeArgs}`,
        ),
      );
      return EXIT.paused;
    }
    throw err;
  }
  const status = await statusOf(store, outcome.run);
  if (status) printOutcome(outcome, status, store.storeArgs, opts.json);
  return exitOf(outcome);
}

export async function runUpgradeExecute(opts: ExecuteOptions): Promise<number> {
  const to = targetOf(opts.to, '--execute');
  prometheusOf(opts);
  const model = loadModel(opts.inventory);
  const store = storeOf(model, opts);
  const { signal, done } = interruptible();
  try {
    const ctx = contextOf(model, store, opts, signal);
    // an approval given on the command line is checked before anything is asked
    if (opts.approvedBy !== undefined)
      fourEyes(model, ctx.actor.user, personName(opts.approvedBy, '--approved-by'));
    const plan = planUpgrade(model, await liveVersions(ctx.settings.prometheus, to), to);
    const approvedBy = await approval(model, ctx.actor.user, opts.approvedBy, plan);
    ctx.reporter.line(storeScope(store, model));
    return await finished(store, opts, () =>
      startUpgrade(ctx, {
        plan,
        approvedBy,
        options: {
          executor: opts.executor,
          prometheus: prometheusOf(opts).shown,
          maxFailures: opts.maxFailures,
          gateSettle: opts.gateSettle,
          gateTimeout: opts.gateTimeout,
        },
      }),
    );
  } finally {
    done();
    await store.close();
  }
}

export async function runResume(run: string, opts: ExecuteOptions): Promise<number> {
  prometheusOf(opts);
  const model = loadModel(opts.inventory);
  const store = storeOf(model, opts);
  const { signal, done } = interruptible();
  try {
    const ctx = contextOf(model, store, opts, signal);
    ctx.reporter.line(storeScope(store, model));
    return await finished(store, opts, () => resumeUpgrade(ctx, run));
  } finally {
    done();
    await store.close();
  }
}

/** A lock as journaled: its token is the holder's write key, not a fact for the record. */
const withoutToken = ({ token: _, ...lock }: LockInfo) => lock;

/** The lock's holder, whether it is alive, dead or stale, and why it looks so. */
async function describeLock(store: RunStore, lock: LockInfo): Promise<string> {
  const live = await store.liveness(lock);
  return lock.unreadable
    ? `held, but cannot be read: ${lock.unreadable}`
    : `run ${lock.run} by ${lock.user}@${lock.host} pid ${lock.pid}, heartbeat ${lock.heartbeatAt}: ${live.state} (${live.why})`;
}

export async function runStatus(
  run: string | undefined,
  opts: StoreOptions & { json?: boolean },
): Promise<number> {
  const store = storeOf(loadModel(opts.inventory), opts);
  try {
    let id = run;
    let status: UpgradeStatus | null = null;
    if (id) status = await statusOf(store, id);
    // the latest run with records: one killed before its first, or unreadable, is said and skipped
    else
      for (const r of (await store.runs()).reverse()) {
        id = r;
        try {
          status = await statusOf(store, r);
        } catch (err) {
          if (!(err instanceof JournalRefused || err instanceof RunNotFound)) throw err;
          if (!opts.json) show(`run ${r} cannot be read (${err.message}); skipped`);
          continue;
        }
        if (status) break;
        if (!opts.json) show(`${noRecords(r)}; skipped`);
      }
    if (!id) throw new RunbookUsageError(`no runbook has run yet (${store.where})`);
    const lock = await store.currentLock();
    const liveness = lock ? await store.liveness(lock) : null;
    if (opts.json)
      console.log(
        inertJson(
          JSON.stringify(
            { ...(status ?? { run: id, state: 'no records' }), lock: lock && withoutToken(lock), liveness },
            null,
            2,
          ),
        ),
      );
    else {
      show(status ? formatStatus(status) : noRecords(id));
      if (lock) show(`  lock: ${await describeLock(store, lock)}`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function runUnlock(
  opts: StoreOptions & { reason?: string; operator?: string; force?: boolean },
): Promise<number> {
  const reason = opts.reason?.trim();
  if (!reason)
    throw new RunbookUsageError('unlock needs --reason TEXT: it is journaled with who broke the lock');
  const who = actor(opts.operator);
  const store = storeOf(loadModel(opts.inventory), opts);
  try {
    const lock = await store.currentLock();
    if (!lock) {
      console.log(`no runbook lock is held (${store.where})`);
      return EXIT.ok;
    }
    const live = await store.liveness(lock);
    if (live.state === 'alive' && !opts.force)
      throw new RunbookUsageError(
        `the lock's holder is alive: ${await describeLock(store, lock)}; breaking it would let a second run act beside it. Wait for it, or stop it; if you are sure it is stuck, break the lock with --force (journaled)`,
      );
    // the run's journal is checked before anything is broken: a journal refused stops the unlock
    const journaled = !lock.unreadable && (await store.runs()).includes(lock.run);
    if (journaled) await (await store.journal(lock.run, { create: false })).close();
    // the unlock takes the lock itself, so its record is written by the journal's only writer
    const taken = await store.breakLock(
      { ...who, run: lock.unreadable ? newRunId('unlock') : lock.run },
      lock,
    );
    if (!taken) {
      console.log(`no runbook lock is held any more (${store.where})`);
      return EXIT.ok;
    }
    try {
      if (journaled) {
        const journal = await store.journal(lock.run, { create: false });
        try {
          await journal.append({
            kind: 'unlocked',
            by: who,
            reason,
            lock: withoutToken(taken.broken),
            ...(live.state === 'alive' ? { forced: true } : {}),
          });
        } finally {
          await journal.close();
        }
      }
    } finally {
      await taken.lock.release();
    }
    const forced = live.state === 'alive' ? ', --force' : '';
    show(
      lock.unreadable
        ? `✓ broke a lock that could not be read (${lock.unreadable}); not journaled: it names no run`
        : `✓ broke the lock of run ${lock.run} (${lock.user}@${lock.host} pid ${lock.pid}, ${live.state}${forced}); ${journaled ? `journaled: ${who.user} — ${reason}` : `not journaled: run ${lock.run} has no journal in ${store.where}`}. Continue that run with: citycloud runbook resume ${lock.run}${store.storeArgs}`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
