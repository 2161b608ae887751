/**
 * What `runbook upgrade --execute` and `runbook resume` share: their options, the run's context
 * made from them (every argument checked before anything acts), and how a run ends on the
 * terminal and in the exit code.
 */
import type { Command } from 'commander';
import { versionProblem } from '../../../runbooks/upgrade/upgrade-plan.ts';
import type { RunContext, RunOutcome, RunSettings } from '../../../runbooks/upgrade/upgrade-run.ts';
import { formatStatus } from '../../../runbooks/upgrade/upgrade-status.ts';
import { wholeNumber } from '../../cli/parsers.ts';
import { withEngineOptions } from './engine-options.ts';
import { withFleetOptions } from './fleet-options.ts';
import { type SessionOptions, sayOutcome, withRunSession } from './run-session.ts';
import { RunbookUsageError, storeScope } from './run-store.ts';
import { statusOf } from './status.ts';

export interface ExecuteOptions extends SessionOptions {
  readonly to?: string;
  readonly approvedBy?: string;
  readonly maxFailures: number;
  readonly gateTimeout: number;
  readonly gateSettle: number;
  readonly rebootTimeout: number;
  readonly concurrency: number;
  readonly exitOutsideWindow?: boolean;
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

const settings = (opts: ExecuteOptions, prometheus: RunSettings['prometheus']): RunSettings => ({
  prometheus,
  maxFailures: opts.maxFailures,
  gateSettleSeconds: opts.gateSettle,
  gateTimeoutSeconds: opts.gateTimeout,
  rebootTimeoutSeconds: opts.rebootTimeout,
  outsideWindow: opts.exitOutsideWindow ? 'exit' : 'wait',
  concurrency: opts.concurrency,
});

/**
 * Runs `go` in the run's context — the model, its store, the executor, the gates' Prometheus, the
 * operator, interruptible by a signal — and prints how it ended; a run stopped because its journal
 * could not be written says so in one line.
 */
export function execute(
  opts: ExecuteOptions,
  go: (ctx: RunContext, prometheusShown: string) => Promise<RunOutcome>,
): Promise<number> {
  return withRunSession(
    opts,
    'servers',
    (s) =>
      go(
        {
          model: s.model,
          store: s.store,
          executor: s.executor,
          fleet: s.fleet,
          reporter: s.reporter,
          actor: s.actor,
          settings: settings(opts, s.prometheus.query),
          signal: s.signal,
          ...(s.afterAction ? { afterAction: s.afterAction } : {}),
        },
        s.prometheus.shown,
      ),
    async (outcome, store) => {
      const status = await statusOf(store, outcome.run);
      if (status) sayOutcome(outcome, status, formatStatus(status), store.storeArgs, opts.json);
    },
  );
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
