/**
 * `citycloud runbook upgrade plan | --execute`, `runbook resume RUN`, `runbook status [RUN]`,
 * `runbook unlock --reason TEXT`: the rolling upgrade of the fleet (runbooks/upgrade/).
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { type CityModel, formatFinding, hasErrors, loadCity } from '../../model/index.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { type Actor, replay } from '../../runbooks/engine/journal-records.ts';
import { PgRunStore } from '../../runbooks/engine/pg-store.ts';
import { ListrReporter, PlainReporter, type Reporter } from '../../runbooks/engine/progress.ts';
import type { RunStore } from '../../runbooks/engine/run-store.ts';
import type { Executor } from '../../runbooks/executors/executor.ts';
import { KubectlSshExecutor } from '../../runbooks/executors/kubectl-ssh-executor.ts';
import { SimExecutor } from '../../runbooks/executors/sim-executor.ts';
import { formatPlan } from '../../runbooks/upgrade/format-plan.ts';
import { liveVersions } from '../../runbooks/upgrade/live-state.ts';
import { planUpgrade, type UpgradePlan } from '../../runbooks/upgrade/upgrade-plan.ts';
import {
  type RunContext,
  type RunOutcome,
  type RunSettings,
  resumeUpgrade,
  startUpgrade,
} from '../../runbooks/upgrade/upgrade-run.ts';
import { formatStatus, upgradeStatus } from '../../runbooks/upgrade/upgrade-status.ts';
import { EXIT } from '../cli/exit-codes.ts';

/** Bad usage of a runbook command: one line, exit 2. */
export class RunbookUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunbookUsageError';
  }
}

export interface StoreOptions {
  readonly inventory: string;
  readonly state?: 'local' | 'pg';
  readonly runsDir: string;
  readonly stateUrl?: string;
}

export interface ExecuteOptions extends StoreOptions {
  readonly to?: string;
  readonly prometheus: string;
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

/** The store the inventory implies (PostgreSQL when Terraform's state is there), or the one asked. */
function storeOf(model: CityModel | null, opts: StoreOptions): RunStore {
  const kind = opts.state ?? (model?.terraformState.backend === 'pg' ? 'pg' : 'local');
  if (kind === 'local') return new FileRunStore(opts.runsDir);
  const url = opts.stateUrl ?? process.env.PG_CONN_STR;
  if (!url)
    throw new RunbookUsageError(
      'the PostgreSQL run store needs a connection string: --state-url postgres://… or PG_CONN_STR (as Terraform’s pg backend reads it)',
    );
  return new PgRunStore(url);
}

const actor = (operator?: string): Actor => ({
  user: operator ?? userInfo().username,
  host: hostname(),
  pid: process.pid,
});

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

const settings = (opts: ExecuteOptions): RunSettings => ({
  prometheus: opts.prometheus,
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

function printOutcome(o: RunOutcome, status: ReturnType<typeof upgradeStatus>, json?: boolean): void {
  if (json) {
    console.log(JSON.stringify({ ...status, outcome: o.status, reason: o.reason }, null, 2));
    return;
  }
  console.log(formatStatus(status));
  const how = o.status === 'succeeded' ? '✓' : o.status === 'failed' ? '✗' : '‖';
  console.log(`${how} ${o.status}: ${o.reason}`);
  if (o.status !== 'succeeded')
    console.log(
      `  see it: citycloud runbook status ${o.run}; continue it: citycloud runbook resume ${o.run}`,
    );
}

async function statusOf(store: RunStore, run: string) {
  const journal = await store.journal(run, { create: false });
  try {
    return upgradeStatus(run, replay(await journal.read()));
  } finally {
    await journal.close();
  }
}

export async function runUpgradePlan(opts: {
  inventory: string;
  to: string;
  prometheus: string;
  json?: boolean;
}): Promise<number> {
  const model = loadModel(opts.inventory);
  const plan = planUpgrade(model, await liveVersions(opts.prometheus, opts.to), opts.to);
  console.log(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  return EXIT.ok;
}

async function approval(
  model: CityModel,
  operator: string,
  approvedBy: string | undefined,
  plan: UpgradePlan,
): Promise<string> {
  let approver = approvedBy?.trim();
  if (!approver) {
    if (!process.stdin.isTTY)
      throw new RunbookUsageError(
        '--execute needs an approval: pass --approved-by NAME (or run it on a terminal to be asked)',
      );
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    approver = (
      await rl.question(
        `Upgrade ${plan.toUpgrade} servers to ${plan.target} in ${plan.waves.length} waves. Approver's name (empty to cancel): `,
      )
    ).trim();
    rl.close();
    if (!approver) throw new RunbookUsageError('not approved; nothing was done');
  }
  if (model.runbooks.fourEyes && approver === operator)
    throw new RunbookUsageError(
      `runbooks.fourEyes is on: the approver must be someone other than the operator (${operator}); nothing was done`,
    );
  return approver;
}

export async function runUpgradeExecute(opts: ExecuteOptions): Promise<number> {
  if (!opts.to) throw new RunbookUsageError('--execute needs the target version: --to VERSION');
  const model = loadModel(opts.inventory);
  const who = actor(opts.operator);
  const progress = reporter(opts.json);
  const executor = executorOf(opts, progress);
  const plan = planUpgrade(model, await liveVersions(opts.prometheus, opts.to), opts.to);
  const approvedBy = await approval(model, who.user, opts.approvedBy, plan);
  const store = storeOf(model, opts);
  const { signal, done } = interruptible();
  try {
    const outcome = await startUpgrade(
      {
        model,
        store,
        executor,
        reporter: progress,
        actor: who,
        settings: settings(opts),
        signal,
        afterAction: crashHook(),
      },
      {
        plan,
        approvedBy,
        options: {
          executor: opts.executor,
          prometheus: opts.prometheus,
          maxFailures: opts.maxFailures,
          gateSettle: opts.gateSettle,
          gateTimeout: opts.gateTimeout,
        },
      },
    );
    printOutcome(outcome, await statusOf(store, outcome.run), opts.json);
    return exitOf(outcome);
  } finally {
    done();
    await store.close();
  }
}

export async function runResume(run: string, opts: ExecuteOptions): Promise<number> {
  const model = loadModel(opts.inventory);
  const progress = reporter(opts.json);
  const store = storeOf(model, opts);
  const { signal, done } = interruptible();
  try {
    const outcome = await resumeUpgrade(
      {
        model,
        store,
        executor: executorOf(opts, progress),
        reporter: progress,
        actor: actor(opts.operator),
        settings: settings(opts),
        signal,
        afterAction: crashHook(),
      },
      run,
    );
    printOutcome(outcome, await statusOf(store, outcome.run), opts.json);
    return exitOf(outcome);
  } finally {
    done();
    await store.close();
  }
}

export async function runStatus(
  run: string | undefined,
  opts: StoreOptions & { json?: boolean },
): Promise<number> {
  const store = storeOf(null, opts);
  try {
    const id = run ?? (await store.runs()).at(-1);
    if (!id) throw new RunbookUsageError(`no runbook has run yet (${store.where})`);
    const status = await statusOf(store, id);
    const lock = await store.currentLock();
    if (opts.json) console.log(JSON.stringify({ ...status, lock }, null, 2));
    else {
      console.log(formatStatus(status));
      if (lock)
        console.log(
          `  lock: run ${lock.run} by ${lock.user}@${lock.host} pid ${lock.pid}, heartbeat ${lock.heartbeatAt}`,
        );
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function runUnlock(
  opts: StoreOptions & { reason?: string; operator?: string },
): Promise<number> {
  const reason = opts.reason?.trim();
  if (!reason)
    throw new RunbookUsageError('unlock needs --reason TEXT: it is journaled with who broke the lock');
  const store = storeOf(null, opts);
  try {
    const lock = await store.currentLock();
    if (!lock) {
      console.log(`no runbook lock is held (${store.where})`);
      return EXIT.ok;
    }
    await store.breakLock();
    const who = actor(opts.operator);
    // journaled in the run that held it, when it has a journal
    if ((await store.runs()).includes(lock.run)) {
      const journal = await store.journal(lock.run, { create: false });
      await journal.append({ kind: 'unlocked', by: who, reason, lock });
      await journal.close();
    }
    console.log(
      `✓ broke the lock of run ${lock.run} (${lock.user}@${lock.host} pid ${lock.pid}); journaled: ${who.user} — ${reason}`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
