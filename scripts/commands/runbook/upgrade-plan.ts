/** `citycloud runbook upgrade plan --to VERSION`: the waves, from the rack model and the live state. */
import type { Command } from 'commander';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import { formatPlan } from '../../../runbooks/upgrade/format-plan.ts';
import { liveVersions } from '../../../runbooks/upgrade/live-state.ts';
import { planUpgrade } from '../../../runbooks/upgrade/upgrade-plan.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { loadModel } from './run-store.ts';
import { targetOf } from './upgrade-execution.ts';

export interface PlanOptions {
  readonly inventory: string;
  readonly to?: string;
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  readonly json?: boolean;
}

export async function runUpgradePlan(opts: PlanOptions): Promise<number> {
  const to = targetOf(opts.to, 'the plan');
  const prometheus = prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const model = loadModel(opts.inventory);
  const plan = planUpgrade(model, await liveVersions(prometheus.query, to), to);
  console.log(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
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
      .addHelpText(
        'after',
        '\nIt takes the options of runbook upgrade (--to, --inventory, --prometheus for the live state, --json).',
      )
      .action(async (_opts: object, command: Command) => {
        process.exitCode = await runUpgradePlan(command.optsWithGlobals<PlanOptions>());
      }),
};
