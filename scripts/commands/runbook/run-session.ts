/**
 * What every run of the runbook engine shares around it, the upgrade's and a runbook's of the
 * authoring API alike: the inventory's model, the run store, the gates' Prometheus, the executor
 * and the fleet it acts on, the operator, SIGINT/SIGTERM, the crash tests' kill, and how a run
 * ends on the terminal and in the exit code.
 */
import type { CityModel } from '../../../model/index.ts';
import type { Actor } from '../../../runbooks/engine/journal-records.ts';
import { ListrReporter, PlainReporter, type Reporter } from '../../../runbooks/engine/progress.ts';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import type { RunOutcome } from '../../../runbooks/engine/run-engine.ts';
import { JournalUnwritable, type RunStore } from '../../../runbooks/engine/run-store.ts';
import type { Executor } from '../../../runbooks/executors/executor.ts';
import { inert, inertJson } from '../../../view/terminal.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { executorOf, type FleetOptions, fleetOf } from './fleet-options.ts';
import { actor } from './people.ts';
import { loadModel, type StoreOptions, show, storeOf } from './run-store.ts';

export interface SessionOptions extends StoreOptions, FleetOptions {
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  readonly operator?: string;
  readonly json?: boolean;
}

export interface RunSession {
  readonly model: CityModel;
  readonly store: RunStore;
  /** The gates' Prometheus: what is queried (with its credentials) and what is shown. */
  readonly prometheus: { readonly query: string; readonly shown: string };
  readonly reporter: Reporter;
  readonly executor: Executor;
  /** Which fleet the executor acts on, journaled (fleet-options.ts). */
  readonly fleet: string;
  readonly actor: Actor;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  readonly afterAction?: (step: string, target: string) => void;
}

/** The live task list on a terminal wide enough to draw it; timestamped lines otherwise. */
export const reporter = (json?: boolean): Reporter =>
  process.stdout.isTTY && !json && (process.stdout.columns ?? 0) >= 60
    ? new ListrReporter()
    : new PlainReporter((t) => (json ? process.stderr : process.stdout).write(t));

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
export function crashHook(): ((step: string, target: string) => void) | undefined {
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

/** How a run ended: its status (JSON, or as `formatted` says it) and what to do next. */
export function sayOutcome(
  o: RunOutcome,
  status: object,
  formatted: string,
  storeArgs: string,
  json?: boolean,
): void {
  if (json) {
    console.log(inertJson(JSON.stringify({ ...status, outcome: o.status, reason: o.reason }, null, 2)));
    return;
  }
  show(formatted);
  const how = o.status === 'succeeded' ? '✓' : o.status === 'failed' ? '✗' : '‖';
  show(`${how} ${o.status}: ${o.reason}`);
  if (o.status !== 'succeeded')
    console.log(
      `  see it: citycloud runbook status ${o.run}${storeArgs}; continue it: citycloud runbook resume ${o.run}${storeArgs}`,
    );
}

/**
 * Runs `go` in a run's session — every argument checked before anything acts — and says how
 * it ended (`say`, given the store to read the run's status from); a run stopped because its
 * journal could not be written says so in one line.
 */
export async function withRunSession(
  opts: SessionOptions,
  /** What the run acts on, in messages: `servers`. */
  noun: string,
  /** Null: nothing to run (a plan with no target), said by `go`: exit 0. */
  go: (session: RunSession) => Promise<RunOutcome | null>,
  say: (outcome: RunOutcome, store: RunStore) => Promise<void>,
): Promise<number> {
  const prometheus = prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const model = loadModel(opts.inventory);
  const store = storeOf(model, opts);
  const { signal, done } = interruptible();
  try {
    const shown = reporter(opts.json);
    const hook = crashHook();
    const session: RunSession = {
      model,
      store,
      prometheus,
      reporter: shown,
      executor: executorOf(opts, shown),
      fleet: fleetOf(opts),
      actor: actor(opts.operator),
      signal,
      ...(hook ? { afterAction: hook } : {}),
    };
    let nothing = false;
    const outcome = await unlessJournalLost(
      async () => {
        const o = await go(session);
        nothing = o === null;
        return o as RunOutcome;
      },
      store,
      noun,
    );
    if (nothing) return EXIT.ok;
    if (!outcome) return EXIT.paused;
    await say(outcome, store);
    return exitOf(outcome);
  } finally {
    done();
    await store.close();
  }
}
