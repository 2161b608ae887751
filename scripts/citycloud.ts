/**
 * The citycloud command line. Exit codes: 0 success, 1 the command found problems, 2 bad usage
 * or unreadable input. Errors are one line each; a stack trace is shown only with CITYCLOUD_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { formatInputProblem, InventoryInputError } from '../model/index.ts';
import { OutFolderError } from '../stacks/atomic-folder.ts';
import { BUILTIN_INVENTORY, DEFAULT_OUT, shown } from './cli/defaults.ts';
import { EXIT } from './cli/exit-codes.ts';
import { runSynth } from './commands/synth.ts';
import { runValidate } from './commands/validate.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function program(): Command {
  const cli = new Command('citycloud')
    .description('Infrastructure as code and operations for a city government cloud')
    .version(pkg.version)
    .exitOverride()
    .showHelpAfterError('(run citycloud --help for usage)');
  const inventoryHelp = `root inventory file (default: the built-in city, ${shown(BUILTIN_INVENTORY)})`;

  cli
    .command('validate')
    .description('validate the inventory; every finding with file, line and model path')
    .option('-i, --inventory <file>', inventoryHelp, BUILTIN_INVENTORY)
    .option('--json', 'print the findings as JSON')
    .addHelpText('after', '\nExample:\n  citycloud validate --inventory inventory/city.yaml')
    .action((opts: { inventory: string; json?: boolean }) => {
      process.exitCode = runValidate(opts);
    });

  cli
    .command('synth')
    .description('validate and synthesize every artifact into the output folder, atomically')
    .option('-i, --inventory <file>', inventoryHelp, BUILTIN_INVENTORY)
    .option('-o, --out <dir>', 'output folder, replaced as a whole', DEFAULT_OUT)
    .option('--json', 'print the manifest as JSON instead of the summary')
    .addHelpText('after', '\nExample:\n  citycloud synth --out out/')
    .action(async (opts: { inventory: string; out: string; json?: boolean }) => {
      process.exitCode = await runSynth({ ...opts, out: opts.out.replace(/\/+$/, '') || '.' });
    });
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed the message (or the help)
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof InventoryInputError) {
      for (const p of err.problems) console.error(formatInputProblem(p));
      return EXIT.usage;
    }
    if (err instanceof OutFolderError) {
      console.error(err.message);
      return EXIT.usage;
    }
    const e = err as Error;
    console.error(`citycloud: internal error: ${e?.message ?? String(err)} (CITYCLOUD_DEBUG=1 shows where)`);
    if (process.env.CITYCLOUD_DEBUG === '1') console.error(e?.stack);
    return EXIT.problems;
  }
}

process.exitCode = await main(process.argv);
