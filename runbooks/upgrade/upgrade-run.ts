/**
 * The rolling upgrade's start and resume on the runbook engine (runbooks/engine/run-engine.ts):
 * the plan checked against the inventory's safety rules before a run starts and at every resume,
 * then run by the engine as upgrade-runbook.ts says.
 */
import type { CityModel } from '../../model/index.ts';
import type { Actor } from '../engine/journal-records.ts';
import type { Reporter } from '../engine/progress.ts';
import {
  type EngineContext,
  type EngineSettings,
  type Rebind,
  type RunOutcome,
  resumeRun,
  startRun,
} from '../engine/run-engine.ts';
import type { RunStore } from '../engine/run-store.ts';
import type { Executor } from '../executors/executor.ts';
import { planProblem, readPlan, type UpgradePlan } from './upgrade-plan.ts';
import { UPGRADE_RUNBOOK, type UpgradeSettings, upgradeRunbook } from './upgrade-runbook.ts';

export type { RunOutcome } from '../engine/run-engine.ts';

export type RunSettings = EngineSettings & UpgradeSettings;

export interface RunContext {
  readonly model: CityModel;
  readonly store: RunStore;
  readonly executor: Executor;
  /** Which fleet the executor acts on (the simulator's URL, the kube context), journaled. */
  readonly fleet?: string;
  readonly reporter: Reporter;
  readonly actor: Actor;
  readonly settings: RunSettings;
  /** Aborted on SIGINT/SIGTERM: no server or wave starts; servers under way finish their steps. */
  readonly signal?: AbortSignal;
  /** The clock, for the window (tests pass their own). */
  readonly now?: () => Date;
  /** Called right after each action on the fleet, before its journal line (the crash tests' kill). */
  readonly afterAction?: (step: string, server: string) => void;
}

const engine = (ctx: RunContext): EngineContext => ({
  store: ctx.store,
  reporter: ctx.reporter,
  actor: ctx.actor,
  settings: ctx.settings,
  executor: ctx.executor.name,
  ...(ctx.fleet === undefined ? {} : { fleet: ctx.fleet }),
  fourEyes: ctx.model.runbooks.fourEyes,
  ...(ctx.signal ? { signal: ctx.signal } : {}),
  ...(ctx.now ? { now: ctx.now } : {}),
  ...(ctx.afterAction ? { afterAction: ctx.afterAction } : {}),
});

export interface StartOptions {
  readonly plan: UpgradePlan;
  readonly approvedBy: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Starts a new run of an approved plan, which must pass the inventory's safety rules. */
export function startUpgrade(ctx: RunContext, start: StartOptions): Promise<RunOutcome> {
  const problem = planProblem(start.plan, ctx.model);
  if (problem) throw new Error(`the plan breaks a safety property: ${problem}`);
  return startRun(engine(ctx), upgradeRunbook(ctx.model, ctx.executor, start.plan, ctx.settings), {
    plan: start.plan,
    approvedBy: start.approvedBy,
    options: start.options,
    says: `${start.plan.toUpgrade} servers in ${start.plan.waves.length} waves`,
  });
}

/**
 * The upgrade a journaled run binds to again: its journaled plan, which must still pass the
 * inventory's safety rules (a journal can be written by hand).
 */
const rebindUpgrade =
  (ctx: RunContext): Rebind =>
  async (started) => {
    if (started.runbook !== UPGRADE_RUNBOOK)
      return { problem: `it is a run of runbook ${JSON.stringify(started.runbook)}, not of the upgrade` };
    const read = readPlan(started.plan);
    if ('problem' in read)
      return { problem: `its journaled plan is not a plan (${read.problem}); it is not resumed` };
    const problem = planProblem(read.plan, ctx.model);
    if (problem)
      return {
        problem: `its journaled plan breaks the inventory's safety rules (${problem}); it is not resumed — plan a new run from the inventory`,
      };
    return { book: upgradeRunbook(ctx.model, ctx.executor, read.plan, ctx.settings) as never };
  };

/**
 * Resumes a run from its journal: its own plan, from the first step not done, with the settings
 * the resume was given (journaled; those that differ from the ones the run last had are said).
 */
export const resumeUpgrade = (
  ctx: RunContext,
  run: string,
  options: Readonly<Record<string, unknown>>,
): Promise<RunOutcome> => resumeRun(engine(ctx), run, options, rebindUpgrade(ctx));
