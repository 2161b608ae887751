/** `citycloud validate`: every finding with file, line and model path; exit 1 when any is an error. */
import { countInventory, hasErrors, loadCity } from '../../model/index.ts';
import type { CommandModule } from '../cli/command-module.ts';
import { shown } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { withInventory } from '../cli/options.ts';
import { countsLines, findingJson, findingTally, printFindings } from '../cli/report.ts';

export interface ValidateOptions {
  readonly inventory: string;
  readonly json?: boolean;
}

export function runValidate(opts: ValidateOptions): number {
  const { model, findings } = loadCity(opts.inventory);
  const failed = hasErrors(findings);
  if (opts.json) {
    const counts = model ? countInventory(model) : null;
    console.log(
      JSON.stringify({ valid: !failed, inventory: counts, findings: findings.map(findingJson) }, null, 2),
    );
    return failed ? EXIT.problems : EXIT.ok;
  }
  printFindings(findings, console.log);
  const where = shown(opts.inventory);
  if (failed) {
    console.log(`✗ ${where}: ${findingTally(findings)}`);
    return EXIT.problems;
  }
  console.log(`✓ ${where} is valid${findings.length > 0 ? ` (${findingTally(findings)})` : ''}`);
  if (model) for (const line of countsLines(countInventory(model))) console.log(`  ${line}`);
  return EXIT.ok;
}

export const command: CommandModule = {
  register: (cli) =>
    withInventory(
      cli
        .command('validate')
        .description('validate the inventory; every finding with file, line and model path'),
    )
      .option('--json', 'print the findings as JSON')
      .addHelpText('after', '\nExample:\n  citycloud validate --inventory inventory/city.yaml')
      .action((opts: ValidateOptions) => {
        process.exitCode = runValidate(opts);
      }),
};
