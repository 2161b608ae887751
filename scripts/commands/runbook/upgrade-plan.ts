/**
 * `citycloud runbook upgrade plan --to VERSION`: the waves, from the rack model and the live state
 * (which servers already run the version, from Prometheus) — or, with `--assume-versions`, from
 * an assumption, to review an upgrade without the fleet's monitoring.
 */
import { type Command, Option } from 'commander';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import { formatPlan } from '../../../runbooks/upgrade/format-plan.ts';
import {
  ASSUMED_VERSIONS,
  type AssumedVersions,
  assumedVersions,
  liveVersions,
} from '../../../runbooks/upgrade/live-state.ts';
import { planUpgrade } from '../../../runbooks/upgrade/upgrade-plan.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { loadModel, RunbookUsageError } from './run-store.ts';
import { targetOf } from './upgrade-execution.ts';

export interface PlanOptions {
  readonly inventory: string;
  readonly to?: string;
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  readonly assumeVersions?: AssumedVersions;
  readonly json?: boolean;
}

export async function runUpgradePlan(opts: PlanOptions & { execute?: boolean }): Promise<number> {
  if (opts.execute)
    throw new RunbookUsageError(
      'upgrade plan only shows the plan: run it with citycloud runbook upgrade --execute, without plan',
    );
  const to = targetOf(opts.to, 'the plan');
  const assumed = opts.assumeVersions;
  // with an assumption, Prometheus is neither asked nor needed
  const prometheus = assumed
    ? null
    : prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const model = loadModel(opts.inventory);
  const live = prometheus
    ? await liveVersions(prometheus.query, to)
    : assumedVersions(model, assumed ?? 'unknown');
  const plan = planUpgrade(model, live, to);
  console.log(
    opts.json
      ? JSON.stringify(assumed ? { assumedVersions: assumed, ...plan } : plan, null, 2)
      : formatPlan(plan, assumed ? { assumed } : {}),
  );
  return EXIT.ok;
}

export const command: CommandModule = {
  under: 'runbook upgrade',
  register: (upgrade) =>
    upgrade
      .command('plan')
      .description(
        'the waves, from the rack model and the live state (which servers already run the version)',
      )
      .addOption(
        new Option(
          '--assume-versions <what>',
          'plan without asking Prometheus: unknown (every server planned, its version read when the run reaches it) or old (every server taken to run an older version)',
        ).choices(ASSUMED_VERSIONS),
      )
      .addHelpText(
        'after',
        '\nIt takes the options of runbook upgrade (--to, --inventory, --prometheus for the live state, --json).\n\nExamples:\n  citycloud runbook upgrade plan --to 2026.12\n  citycloud runbook upgrade plan --to 2026.12 --assume-versions unknown   # no monitoring needed',
      )
      .action(async (_opts: object, command: Command) => {
        process.exitCode = await runUpgradePlan(command.optsWithGlobals<PlanOptions>());
      }),
};
