/**
 * `citycloud deploy`: the options, handed to deploy/deploy.ts, which holds the gate and the tools.
 */
import { Option } from 'commander';
import { type DeployOptions, runDeploy } from '../../deploy/deploy.ts';
import { inert } from '../../view/terminal.ts';
import type { CommandModule } from '../cli/command-module.ts';
import { DEFAULT_OUT } from '../cli/defaults.ts';
import { withInventory } from '../cli/options.ts';

export const command: CommandModule = {
  register: (cli) =>
    withInventory(
      cli
        .command('deploy')
        .description(
          'plan every Terraform stack of out/ for review; with --approve, apply exactly the reviewed plans',
        )
        .option('-o, --out <dir>', 'the synthesized output folder', DEFAULT_OUT)
        .option('-s, --stack <name>', 'only this stack')
        .option('--approve', 'apply the saved, reviewed plans (run deploy without it first)')
        .addOption(
          new Option('--tool <tool>', 'terraform or tofu (default: whichever is installed)').choices([
            'terraform',
            'tofu',
          ]),
        )
        .option(
          '--evidence <bundle>',
          'deploy only if out/ is exactly the output this signed change review (citycloud diff --evidence) names',
        )
        .option(
          '--plan-evidence <bundle>',
          'with --approve: apply only plans this signed plan review (citycloud diff --plan out/plans --evidence) covers',
        ),
      'the inventory whose deploy section may require a review (default: the built-in city)',
    )
      .option(
        '--allowed-signers <file>',
        'the reviewers’ OpenSSH allowed-signers file (default: those of the output deployed last)',
      )
      .option(
        '--allow-rollback',
        'apply a review made against another output than the one deployed last (recorded as a rollback)',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  citycloud synth && citycloud deploy && citycloud deploy --approve\n  citycloud deploy --evidence review.json\n  citycloud deploy --approve --evidence review.json --plan-evidence plan-review.json',
      )
      .action(async (opts: DeployOptions) => {
        // what deploy prints quotes out/ (stack names, file names) and the tools: inert on a terminal
        process.exitCode = await runDeploy(opts, {
          log: (line) => console.error(inert(line)),
          say: (line) => console.log(inert(line)),
        });
      }),
};
