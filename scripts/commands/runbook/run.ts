/**
 * `citycloud runbook run FILE.ts|NAME`: a runbook of the inventory's own (`runbooks/NAME.ts`
 * beside it) or one built into citycloud — its parameters read, its waves planned, approved,
 * then run by the engine: journaled, locked, gated, resumable exactly once. `--dry-run` prints
 * every command line it would run and acts on nothing.
 */
import { sameIdentity } from '../../../runbooks/engine/journal-records.ts';
import { PlainReporter } from '../../../runbooks/engine/progress.ts';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import { startRun } from '../../../runbooks/engine/run-engine.ts';
import { bindSpec, planSpec, readParams, type SpecPlan } from '../../../runbooks/engine/spec-runbook.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { executorOf } from './fleet-options.ts';
import { personName } from './people.ts';
import { loadModel, RunbookUsageError, show } from './run-store.ts';
import {
  executeSpec,
  runbookNamed,
  type SpecOptions,
  specSettings,
  withSpecOptions,
} from './spec-execution.ts';

export interface RunOptions extends SpecOptions {
  readonly approvedBy?: string;
  readonly dryRun?: boolean;
}

/** A plan with no target is said, and nothing is run or journaled: exit 0. */
function nothingToDo(name: string, plan: SpecPlan): boolean {
  if (plan.waves.length > 0) return false;
  show(`runbook ${name}: nothing to do (its plan has no target); nothing was run or journaled`);
  return true;
}

/** Prints every command line the runbook would run, wave by wave; runs none, journals nothing. */
async function dryRun(what: string, opts: RunOptions): Promise<number> {
  const model = loadModel(opts.inventory);
  const loaded = await runbookNamed(what, opts.inventory);
  const { values, secrets } = readParams(loaded.spec, opts.param ?? []);
  // the plan's queries read Prometheus: reading acts on nothing
  const prometheus = prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const plan = await planSpec(loaded.spec, model, values, secrets, prometheus.query);
  if (nothingToDo(loaded.spec.name, plan)) return EXIT.ok;
  let current = '';
  const book = bindSpec(loaded.spec, plan, {
    model,
    values,
    secrets,
    prometheus: prometheus.query,
    executor: executorOf(opts, new PlainReporter(() => {}), true),
    inventory: opts.inventory,
    dryRun: (line) => show(`    ${current}: $ ${line}`),
  });
  show(`runbook ${book.name} (dry run: nothing runs, nothing is journaled): ${book.summary}`);
  for (const wave of book.waves) {
    show(wave.title);
    for (const t of wave.targets) {
      show(`  ${t.title}`);
      for (const step of book.steps) {
        current = step.name;
        try {
          await step.run(t, { wave: wave.index, update: () => {}, command: async () => {} });
        } catch (err) {
          // its commands ran nothing and gave nothing: what the step makes of that is not a run's
          show(
            `    ${step.name}: stops the dry run of this target here: ${(err as Error).message.split('\n')[0]}`,
          );
          break;
        }
      }
    }
  }
  return EXIT.ok;
}

export async function runRunbook(what: string, opts: RunOptions): Promise<number> {
  if (opts.dryRun) return dryRun(what, opts);
  if (opts.approvedBy === undefined)
    throw new RunbookUsageError(
      'a run needs an approval: pass --approved-by NAME (or see it first with --dry-run)',
    );
  const approvedBy = personName(opts.approvedBy, '--approved-by');
  return executeSpec(opts, async ({ model, executor, ctx, prometheus }) => {
    if (model.runbooks.fourEyes && sameIdentity(approvedBy, ctx.actor.user))
      throw new RunbookUsageError(
        `runbooks.fourEyes is on: the approver (${approvedBy}) must be someone other than the operator (${ctx.actor.user}); nothing was done`,
      );
    const loaded = await runbookNamed(what, opts.inventory);
    const { values, secrets } = readParams(loaded.spec, opts.param ?? []);
    const plan = await planSpec(loaded.spec, model, values, secrets, prometheus.query);
    if (nothingToDo(loaded.spec.name, plan)) return null;
    const book = bindSpec(loaded.spec, plan, {
      model,
      values,
      secrets,
      prometheus: prometheus.query,
      executor,
      inventory: opts.inventory,
    });
    return startRun(ctx, book, {
      plan,
      approvedBy,
      options: specSettings(opts, prometheus.shown, loaded),
      ...(loaded.source ? { source: loaded.source } : {}),
      says: `${book.summary} in ${book.waves.length} ${book.waves.length === 1 ? 'wave' : 'waves'}`,
    });
  });
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withSpecOptions(
      runbook
        .command('run')
        .description(
          'run a runbook of the inventory’s own (runbooks/NAME.ts beside it) or a built-in one: approved, journaled, locked, gated, resumable',
        )
        .argument('<runbook>', 'a .ts file, or a runbook’s name (citycloud runbook list)')
        .option('--approved-by <name>', 'who approved the run (with runbooks.fourEyes, not the operator)')
        .option('--dry-run', 'print every command line it would run; run none, journal nothing'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  citycloud runbook run drain-hub --param hub=d760 --dry-run\n  citycloud runbook run runbooks/drain-hub.ts --param hub=d760 --approved-by lan.nguyen',
      )
      .action(async (what: string, opts: RunOptions) => {
        process.exitCode = await runRunbook(what, opts);
      }),
};
