/**
 * What `runbook upgrade --execute` and `runbook resume` share: their options, the run's context
 * made from them (every argument checked before anything acts), and how a run ends on the
 * terminal and in the exit code.
 */
import type { Command } from 'commander';
import { ListrReporter, PlainReporter, type Reporter } from '../../../runbooks/engine/progress.ts';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import { JournalUnwritable, type RunStore } from '../../../runbooks/engine/run-store.ts';
import { versionProblem } from '../../../runbooks/upgrade/upgrade-plan.ts';
import type { RunContext, RunOutcome, RunSettings } from '../../../runbooks/upgrade/upgrade-run.ts';
import { formatStatus, type UpgradeStatus } from '../../../runbooks/upgrade/upgrade-status.ts';
import { inert, inertJson } from '../../../view/terminal.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { wholeNumber } from '../../cli/parsers.ts';
import { withEngineOptions } from './engine-options.ts';
import { executorOf, type FleetOptions, fleetOf, withFleetOptions } from './fleet-options.ts';
import { actor } from './people.ts';
import { loadModel, RunbookUsageError, type StoreOptions, show, storeOf, storeScope } from './run-store.ts';
import { statusOf } from './status.ts';

export interface ExecuteOptions extends StoreOptions, FleetOptions {
  readonly to?: string;
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  readonly approvedBy?: string;
  readonly operator?: string;
  readonly maxFailures: number;
  readonly gateTimeout: number;
  readonly gateSettle: number;
  readonly rebootTimeout: number;
  readonly concurrency: number;
  readonly exitOutsideWindow?: boolean;
  readonly json?: boolean;
}

const seconds = (min: number, max: number) => wholeNumber('seconds', min, max);

/** The options of a run that acts on the fleet. */
export const withExecuteOptions = (c: Command): Command =>
  withFleetOptions(withEngineOptions(c, 'servers', 64))
    .option('--reboot-timeout <seconds>', 'how long a server may take to come back', seconds(1, 7200), 900)
    .option(
      '--upgrade-command <command>',
      'executor kubectl-ssh: the remote upgrade command, {version} for the version',
    );

/** The target version, checked before anything is asked or acted on. */
export function targetOf(to: string | undefined, what: string): string {
  if (to === undefined) throw new RunbookUsageError(`${what} needs the target version: --to VERSION`);
  const problem = versionProblem(to);
  if (problem) throw new RunbookUsageError(`--to ${problem}; nothing was done`);
  return to;
}

/** The live task list on a terminal wide enough to draw it; timestamped lines otherwise. */
export const reporter = (json?: boolean): Reporter =>
  process.stdout.isTTY && !json && (process.stdout.columns ?? 0) >= 60
    ? new ListrReporter()
    : new PlainReporter((t) => (json ? process.stderr : process.stdout).write(t));

const settings = (opts: ExecuteOptions, prometheus: RunSettings['prometheus']): RunSettings => ({
  prometheus,
  maxFailures: opts.maxFailures,
  gateSettleSeconds: opts.gateSettle,
  gateTimeoutSeconds: opts.gateTimeout,
  rebootTimeoutSeconds: opts.rebootTimeout,
  outsideWindow: opts.exitOutsideWindow ? 'exit' : 'wait',
  concurrency: opts.concurrency,
});

/** SIGINT/SIGTERM stop the run between steps (the steps under way finish); it stays resumable. */
export function interruptible(): { signal: AbortSignal; done: () => void } {
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
 * this process with SIGKILL right after its nth action of that step, before the action's journal
 * line: the worst moment to die.
 */
export function crashHook(): RunContext['afterAction'] {
  const m = /^([a-z][a-z0-9-]{0,47}):([1-9]\d*)$/.exec(process.env.CITYCLOUD_CRASH_AFTER ?? '');
  if (!m) return undefined;
  const [, step, n] = m;
  let seen = 0;
  return (done) => {
    if (done === step && ++seen === Number(n)) process.kill(process.pid, 'SIGKILL');
  };
}

export const exitOf = (o: RunOutcome) =>
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

/**
 * Runs `go` in the run's context — the model, its store, the executor, the gates' Prometheus, the
 * operator, interruptible by a signal — and prints how it ended; a run stopped because its journal
 * could not be written says so in one line.
 */
export async function execute(
  opts: ExecuteOptions,
  go: (ctx: RunContext, prometheusShown: string) => Promise<RunOutcome>,
): Promise<number> {
  const prometheus = prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const model = loadModel(opts.inventory);
  const store = storeOf(model, opts);
  const { signal, done } = interruptible();
  try {
    const progress = reporter(opts.json);
    const ctx: RunContext = {
      model,
      store,
      executor: executorOf(opts, progress),
      fleet: fleetOf(opts),
      reporter: progress,
      actor: actor(opts.operator),
      settings: settings(opts, prometheus.query),
      signal,
      afterAction: crashHook(),
    };
    const outcome = await unlessJournalLost(() => go(ctx, prometheus.shown), store, 'servers');
    if (!outcome) return EXIT.paused;
    const status = await statusOf(store, outcome.run);
    if (status) printOutcome(outcome, status, store.storeArgs, opts.json);
    return exitOf(outcome);
  } finally {
    done();
    await store.close();
  }
}

/**
 * Runs `go`; a run stopped because its journal can no longer be written is said in one line
 * (what under way finished, how to resume) and gives null: it exits 75, resumable.
 */
export async function unlessJournalLost(
  go: () => Promise<RunOutcome>,
  store: RunStore,
  noun: string,
): Promise<RunOutcome | null> {
  try {
    return await go();
  } catch (err) {
    if (!(err instanceof JournalUnwritable)) throw err;
    console.error(
      inert(
        `‖ stopped: ${err.message}; the ${noun} under way finished their current step. Resume it once the store is back: citycloud runbook resume ${err.run ?? 'RUN'}${store.storeArgs}`,
      ),
    );
    return null;
  }
}

/** The settings a run acts with, as journaled when it starts and at each resume. */
export const journaledSettings = (opts: ExecuteOptions, prometheus: string): Record<string, unknown> => ({
  executor: opts.executor,
  prometheus,
  maxFailures: opts.maxFailures,
  gateSettle: opts.gateSettle,
  gateTimeout: opts.gateTimeout,
  rebootTimeout: opts.rebootTimeout,
  concurrency: opts.concurrency,
  outsideWindow: opts.exitOutsideWindow ? 'exit' : 'wait',
});

/** Said at the start of a run: which store keeps it, and what that store protects. */
export const sayStore = (ctx: RunContext): void => ctx.reporter.line(storeScope(ctx.store, ctx.model));
