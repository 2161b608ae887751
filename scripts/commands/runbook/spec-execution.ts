/**
 * What `runbook run` and the resume of such a run share: the options, the engine's context made
 * from them, the runbook bound to its plan, and how a run ends on the terminal and in the exit
 * code. A runbook from a file is resumed only from the same bytes it started with.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CityModel } from '../../../model/index.ts';
import replaceServer from '../../../runbooks/builtin/replace-server.ts';
import rotateCertificates from '../../../runbooks/builtin/rotate-certificates.ts';
import { replay } from '../../../runbooks/engine/journal-records.ts';
import {
  findRunbook,
  type LoadedRunbook,
  loadRunbookBytes,
  ownRunbooks,
  ownRunbooksDir,
  readRunbookFile,
} from '../../../runbooks/engine/load-runbook.ts';
import type { EngineContext, RunOutcome } from '../../../runbooks/engine/run-engine.ts';
import { formatSpecStatus, lastStepOf, specRunStatus } from '../../../runbooks/engine/run-status.ts';
import type { RunStore } from '../../../runbooks/engine/run-store.ts';
import type { Runbook } from '../../../runbooks/engine/runbook-spec.ts';
import { RunbookInputError } from '../../../runbooks/engine/spec-runbook.ts';
import type { Executor } from '../../../runbooks/executors/executor.ts';
import { withEngineOptions } from './engine-options.ts';
import { withFleetOptions } from './fleet-options.ts';
import { type SessionOptions, sayOutcome, withRunSession } from './run-session.ts';

/**
 * The runbooks built into citycloud that are written with the authoring API, by name: examples
 * to copy (runbooks/builtin/), as the README says.
 */
export const BUILT_IN_RUNBOOKS: ReadonlyMap<string, Runbook> = new Map(
  [replaceServer as Runbook, rotateCertificates as Runbook].map((r) => [r.name, r]),
);

/** Names citycloud's own commands use: an inventory's runbook may not take them. */
export const RESERVED_RUNBOOK_NAMES: readonly string[] = ['upgrade', 'capacity-review', 'unlock'];

export interface SpecOptions extends SessionOptions {
  readonly param?: string[];
  readonly maxFailures: number;
  readonly gateSettle: number;
  readonly gateTimeout: number;
  readonly concurrency: number;
  readonly exitOutsideWindow?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options of a run of a runbook written with the authoring API. */
export const withSpecOptions = (c: Command): Command =>
  withFleetOptions(withEngineOptions(c, 'targets', 16)).option(
    '--param <name=value>',
    'a parameter of the runbook (repeat it for each)',
    collect,
  );

/** The runbook a command line names, which may not take a name citycloud's commands use. */
export async function runbookNamed(what: string, inventory: string): Promise<LoadedRunbook> {
  const loaded = await findRunbook(what, inventory, BUILT_IN_RUNBOOKS);
  if (RESERVED_RUNBOOK_NAMES.includes(loaded.spec.name))
    throw new RunbookInputError(
      `${loaded.file ?? what}: runbook name ${loaded.spec.name} is citycloud's own (citycloud runbook ${loaded.spec.name}); name it otherwise`,
    );
  // a copy of a built-in runbook is run, journaled and resumed by its own name
  if (loaded.file && BUILT_IN_RUNBOOKS.has(loaded.spec.name))
    throw new RunbookInputError(
      `${loaded.file}: runbook ${loaded.spec.name} is built into citycloud; give your copy a name of its own (name: and the file's name)`,
    );
  return loaded;
}

/**
 * The runbook a journaled run binds to again: the built-in one of its name, or the inventory's
 * own of its name (`runbooks/NAME.ts`), or the file the operator names (`file`) — never a path
 * the journal holds: a journal can be rewritten by whoever can write the runs folder, and must
 * not choose the code a resume runs. Its bytes are compared with the journaled digest before
 * anything of it is loaded.
 */
export async function runbookOfRun(
  started: { runbook: string; source?: string },
  file: string | undefined,
  inventory: string,
): Promise<LoadedRunbook | { problem: string }> {
  if (started.source === undefined) {
    const spec = BUILT_IN_RUNBOOKS.get(started.runbook);
    return spec
      ? { spec }
      : { problem: `its runbook ${JSON.stringify(started.runbook)} is not built into citycloud` };
  }
  const path = file ?? ownRunbooks(inventory).get(started.runbook);
  if (!path)
    return {
      problem: `runbook ${started.runbook} is not in ${ownRunbooksDir(inventory)}: give its file with --runbook FILE`,
    };
  const read = readRunbookFile(path);
  if (read.source !== started.source)
    return {
      problem: `${path} is not the runbook it started with (its SHA-256 is ${read.source}, the journal's ${started.source}): a resume runs the code that was approved; start a new run to run this one`,
    };
  const loaded = await loadRunbookBytes(path, read);
  if (loaded.spec.name !== started.runbook)
    return { problem: `${path} is runbook ${loaded.spec.name}, not ${started.runbook}` };
  return loaded;
}

export interface SpecRun {
  readonly model: CityModel;
  /** What the runbook's `fleet` acts through. */
  readonly executor: Executor;
  readonly ctx: EngineContext;
  readonly prometheus: { readonly query: string; readonly shown: string };
  readonly store: RunStore;
}

/** Runs `go` with the engine's context made from the options, and says how the run ended. */
export function executeSpec(
  opts: SpecOptions,
  go: (run: SpecRun) => Promise<RunOutcome | null>,
): Promise<number> {
  return withRunSession(
    opts,
    'targets',
    (s) =>
      go({
        model: s.model,
        executor: s.executor,
        prometheus: s.prometheus,
        store: s.store,
        ctx: {
          store: s.store,
          reporter: s.reporter,
          actor: s.actor,
          settings: {
            maxFailures: opts.maxFailures,
            gateSettleSeconds: opts.gateSettle,
            gateTimeoutSeconds: opts.gateTimeout,
            outsideWindow: opts.exitOutsideWindow ? 'exit' : 'wait',
            concurrency: opts.concurrency,
          },
          executor: opts.executor,
          fleet: s.fleet,
          fourEyes: s.model.runbooks.fourEyes,
          signal: s.signal,
          ...(s.afterAction ? { afterAction: s.afterAction } : {}),
        },
      }),
    async (outcome, store) => {
      const journal = await store.journal(outcome.run, { create: false });
      const state = replay(await journal.read());
      await journal.close();
      const status = specRunStatus(outcome.run, state, lastStepOf(state));
      sayOutcome(outcome, status, formatSpecStatus(status), store.storeArgs, opts.json);
    },
  );
}

/** The settings a run acts with, journaled when it starts and at each resume. */
export const specSettings = (
  opts: SpecOptions,
  prometheus: string,
  loaded: LoadedRunbook,
): Record<string, unknown> => ({
  executor: opts.executor,
  prometheus,
  maxFailures: opts.maxFailures,
  gateSettle: opts.gateSettle,
  gateTimeout: opts.gateTimeout,
  concurrency: opts.concurrency,
  outsideWindow: opts.exitOutsideWindow ? 'exit' : 'wait',
  steps: loaded.spec.steps.map((s) => s.name),
  ...(loaded.file ? { runbookFile: resolve(loaded.file) } : {}),
});
