/** `citycloud runbook upgrade --execute --to VERSION`: the rolling upgrade, approved, then run. */
import { createInterface } from 'node:readline/promises';
import type { CityModel } from '../../../model/index.ts';
import { sameIdentity } from '../../../runbooks/engine/journal-records.ts';
import { liveVersions } from '../../../runbooks/upgrade/live-state.ts';
import { planUpgrade, type UpgradePlan } from '../../../runbooks/upgrade/upgrade-plan.ts';
import { startUpgrade } from '../../../runbooks/upgrade/upgrade-run.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { personName } from './people.ts';
import { RunbookUsageError } from './run-store.ts';
import {
  type ExecuteOptions,
  execute,
  journaledSettings,
  sayStore,
  targetOf,
  withExecuteOptions,
} from './upgrade-execution.ts';

/** With runbooks.fourEyes, the approver is another person than the operator, however either is typed. */
function fourEyes(model: CityModel, operator: string, approver: string): void {
  if (model.runbooks.fourEyes && sameIdentity(approver, operator))
    throw new RunbookUsageError(
      `runbooks.fourEyes is on: the approver (${approver}) must be someone other than the operator (${operator}); nothing was done`,
    );
}

/** The approver: --approved-by, or asked on a terminal after the plan's size is shown. */
async function approval(
  model: CityModel,
  operator: string,
  approvedBy: string | undefined,
  plan: UpgradePlan,
): Promise<string> {
  let approver = approvedBy === undefined ? undefined : personName(approvedBy, '--approved-by');
  if (!approver) {
    if (!process.stdin.isTTY)
      throw new RunbookUsageError(
        '--execute needs an approval: pass --approved-by NAME (or run it on a terminal to be asked)',
      );
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    approver = (
      await rl.question(
        `Upgrade ${plan.toUpgrade} ${plan.toUpgrade === 1 ? 'server' : 'servers'} to ${plan.target} in ${plan.waves.length} ${plan.waves.length === 1 ? 'wave' : 'waves'}. Approver's name (empty to cancel): `,
      )
    ).trim();
    rl.close();
    if (!approver) throw new RunbookUsageError('not approved; nothing was done');
    approver = personName(approver, "the approver's name");
  }
  fourEyes(model, operator, approver);
  return approver;
}

export function runUpgradeExecute(opts: ExecuteOptions): Promise<number> {
  const to = targetOf(opts.to, '--execute');
  return execute(opts, async (ctx, prometheus) => {
    const { model } = ctx;
    // an approval given on the command line is checked before anything is asked
    if (opts.approvedBy !== undefined)
      fourEyes(model, ctx.actor.user, personName(opts.approvedBy, '--approved-by'));
    const plan = planUpgrade(model, await liveVersions(ctx.settings.prometheus, to), to);
    const approvedBy = await approval(model, ctx.actor.user, opts.approvedBy, plan);
    sayStore(ctx);
    return startUpgrade(ctx, {
      plan,
      approvedBy,
      options: journaledSettings(opts, prometheus),
    });
  });
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withExecuteOptions(
      runbook
        .command('upgrade')
        .description(
          'a rolling upgrade by failure domain: plan it (upgrade plan), then run it (--execute), gated on Prometheus, journaled, resumable',
        )
        .option('--to <version>', 'the OS image version to upgrade to')
        .option('--execute', 'run the plan (asks for an approval, or takes --approved-by)')
        .option('--approved-by <name>', 'who approved the plan (with runbooks.fourEyes, not the operator)'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  citycloud runbook upgrade plan --to 2026.12\n  citycloud runbook upgrade --execute --to 2026.12 --approved-by lan.nguyen',
      )
      .action(async (opts: ExecuteOptions & { execute?: boolean }) => {
        if (!opts.execute)
          throw new RunbookUsageError(
            'nothing changes without --execute: see the plan with citycloud runbook upgrade plan --to VERSION, then run it with --execute',
          );
        process.exitCode = await runUpgradeExecute(opts);
      }),
};
