/** `citycloud runbook resume RUN`: continue a run from its journal, no step repeated, none skipped. */
import { resumeUpgrade } from '../../../runbooks/upgrade/upgrade-run.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import {
  type ExecuteOptions,
  execute,
  journaledSettings,
  sayStore,
  withExecuteOptions,
} from './upgrade-execution.ts';

export const runResume = (run: string, opts: ExecuteOptions): Promise<number> =>
  execute(opts, (ctx, prometheus) => {
    sayStore(ctx);
    return resumeUpgrade(ctx, run, journaledSettings(opts, prometheus));
  });

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withExecuteOptions(
      runbook
        .command('resume')
        .description('continue a run from its journal: no step repeated, none skipped')
        .argument('<run>'),
    ).action(async (run: string, opts: ExecuteOptions) => {
      process.exitCode = await runResume(run, opts);
    }),
};
