/** `citycloud runbook resume RUN`: continue a run from its journal, no step repeated, none skipped. */
import type { Command } from 'commander';
import { DRILL_RUNBOOK } from '../../../runbooks/drill/drill-runbook.ts';
import { type JournalEvent, replay } from '../../../runbooks/engine/journal-records.ts';
import { resumeRun } from '../../../runbooks/engine/run-engine.ts';
import type { ParamValue } from '../../../runbooks/engine/runbook-spec.ts';
import { bindSpec, readParams, readSpecPlan } from '../../../runbooks/engine/spec-runbook.ts';
import { resumeUpgrade } from '../../../runbooks/upgrade/upgrade-run.ts';
import { UPGRADE_RUNBOOK } from '../../../runbooks/upgrade/upgrade-runbook.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { RunbookUsageError, withStore } from './run-store.ts';
import { executeSpec, runbookOfRun, specSettings } from './spec-execution.ts';
import {
  type ExecuteOptions,
  execute,
  journaledSettings,
  sayStore,
  withExecuteOptions,
} from './upgrade-execution.ts';

type RunStarted = Extract<JournalEvent, { kind: 'run-started' }>;

export interface ResumeOptions extends ExecuteOptions {
  /** A secret parameter of a runbook's run, given again (secrets are never journaled). */
  readonly param?: string[];
  /** The runbook file, when it moved since the run started (its bytes must be the same). */
  readonly runbook?: string;
  /** The options given on the command line (the rest are commander's defaults). */
  readonly given?: ReadonlySet<string>;
}

/**
 * A runbook's run goes on with the settings it started with, but those given again: a default
 * of the resume command (the upgrade's) does not silently replace what was approved.
 */
function journaledOptions(opts: ResumeOptions, first: RunStarted): ResumeOptions {
  const was = first.options;
  const whole = (key: 'maxFailures' | 'gateSettle' | 'gateTimeout' | 'concurrency') => {
    const v = was[key];
    return opts.given?.has(key) || !Number.isSafeInteger(v) ? opts[key] : (v as number);
  };
  return {
    ...opts,
    maxFailures: whole('maxFailures'),
    gateSettle: whole('gateSettle'),
    gateTimeout: whole('gateTimeout'),
    concurrency: whole('concurrency'),
    exitOutsideWindow: opts.given?.has('exitOutsideWindow')
      ? opts.exitOutsideWindow
      : was.outsideWindow === 'exit',
  };
}

/** A journal's run-started record, or null when it has no records. */
const startedOf = (run: string, opts: ExecuteOptions) =>
  withStore(opts, async (store) => {
    const journal = await store.journal(run, { create: false });
    try {
      return replay(await journal.read()).started;
    } finally {
      await journal.close();
    }
  });

/** Resumes a run of a runbook written with the authoring API, from the bytes it started with. */
const resumeSpec = (run: string, opts: ResumeOptions, first: RunStarted): Promise<number> =>
  executeSpec(opts, async ({ model, executor, ctx, prometheus }) => {
    // the settings journaled with the resume name the runbook as it is loaded (checked again below)
    const found = await runbookOfRun(first, opts.runbook, opts.inventory);
    const settings = 'problem' in found ? {} : specSettings(opts, prometheus.shown, found);
    return resumeRun(ctx, run, settings, async (started) => {
      const loaded = await runbookOfRun(started, opts.runbook, opts.inventory);
      if ('problem' in loaded) return loaded;
      const read = readSpecPlan(started.plan);
      if ('problem' in read)
        return { problem: `its journaled plan is not a runbook's plan (${read.problem})` };
      // the parameters are the approved plan's, as journaled; only the secrets, never journaled,
      // are given again — every one of them
      const secretNames = new Set(
        Object.entries(loaded.spec.params ?? {}).flatMap(([n, p]) => (p.secret ? [n] : [])),
      );
      const given = opts.param ?? [];
      if (given.some((p) => !secretNames.has(p.slice(0, Math.max(0, p.indexOf('='))))))
        return {
          problem: 'a resume takes the journaled parameters; --param gives only the secret ones again',
        };
      const journaled = Object.fromEntries(
        Object.entries(read.plan.params).filter(([k]) => !secretNames.has(k)),
      ) as Record<string, ParamValue>;
      const { values, secrets } = readParams(loaded.spec, given, journaled);
      return {
        book: bindSpec(loaded.spec, read.plan, {
          model,
          values,
          secrets,
          prometheus: prometheus.query,
          executor,
          inventory: opts.inventory,
        }) as never,
      };
    });
  });

export async function runResume(run: string, opts: ResumeOptions): Promise<number> {
  const started = await startedOf(run, opts);
  // a drill's executor and site are its own options: it resumes through its own command
  if (started && started.runbook === DRILL_RUNBOOK)
    throw new RunbookUsageError(
      `run ${run} is a restore drill: resume it with citycloud runbook restore-drill --resume ${run} --executor ${started.options.executor === 'kubectl' ? 'kubectl' : 'local'} (and the --site, --kube-context and store options it was started with)`,
    );
  if (started && started.runbook !== UPGRADE_RUNBOOK)
    return resumeSpec(run, journaledOptions(opts, started), started);
  return execute(opts, (ctx, prometheus) => {
    sayStore(ctx);
    return resumeUpgrade(ctx, run, journaledSettings(opts, prometheus));
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withExecuteOptions(
      runbook
        .command('resume')
        .description('continue a run from its journal: no step repeated, none skipped')
        .argument('<run>'),
    )
      .option(
        '--param <name=value>',
        'a runbook’s secret parameter, given again (secrets are never journaled)',
        collect,
      )
      .option('--runbook <file>', 'the runbook’s file, if it moved since the run started (the same bytes)')
      .action(async (run: string, opts: ResumeOptions, cmd: Command) => {
        const given = new Set(
          cmd.options
            .map((o) => o.attributeName())
            .filter((name) => (cmd.getOptionValueSource(name) ?? 'default') !== 'default'),
        );
        process.exitCode = await runResume(run, { ...opts, given });
      }),
};
