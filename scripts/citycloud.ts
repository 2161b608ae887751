/**
 * The citycloud command line. Exit codes: 0 success, 1 the command found problems, 2 bad usage
 * or unreadable input, 70 an internal error (a bug). Errors are one line each; a stack trace is
 * shown only with CITYCLOUD_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DeployError } from '../deploy/deploy-runner.ts';
import { redact } from '../deploy/redact.ts';
import { formatInputProblem, InventoryInputError } from '../model/index.ts';
import { LocalStackError } from '../monitoring/local/local-stack.ts';
import { OutFolderError } from '../synth/out-folder.ts';
import { fromRoot } from '../synth/project-root.ts';
import {
  BUILTIN_INVENTORY,
  DEFAULT_CACHE_DIR,
  DEFAULT_MONITOR_DIR,
  DEFAULT_OUT,
  shown,
} from './cli/defaults.ts';
import { EXIT } from './cli/exit-codes.ts';
import { type DeployOptions, runDeploy } from './commands/deploy.ts';
import { type MonitorUpOptions, runMonitorDown, runMonitorUp } from './commands/monitor.ts';
import { runSynth } from './commands/synth.ts';
import { watchSynth } from './commands/synth-watch.ts';
import { runValidate } from './commands/validate.ts';

const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as {
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
    .option(
      '--cache <dir>',
      'reuse stack parts and views whose slice of the model is unchanged, kept here',
      DEFAULT_CACHE_DIR,
    )
    .option('--no-cache', 'render every stack part afresh')
    .option('-v, --verbose', 'say what each stack rendered and what came from the cache')
    .addOption(
      new Option(
        '-w, --watch',
        'synthesize again each time an inventory file changes (Ctrl-C stops)',
      ).conflicts('json'),
    )
    .addHelpText('after', '\nExamples:\n  citycloud synth --out out/\n  citycloud synth --watch -v')
    .action(
      async (opts: {
        inventory: string;
        out: string;
        json?: boolean;
        cache: string | false;
        verbose?: boolean;
        watch?: boolean;
      }) => {
        // trailing slashes dropped, but "/" stays "/" (and is refused), never the current folder
        const o = { ...opts, out: opts.out.replace(/(.)\/+$/, '$1') };
        process.exitCode = opts.watch ? await watchSynth(o) : await runSynth(o);
      },
    );
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
    .addHelpText('after', '\nExample:\n  citycloud synth && citycloud deploy && citycloud deploy --approve')
    .action(async (opts: DeployOptions) => {
      process.exitCode = await runDeploy(opts);
    });

  const monitor = cli
    .command('monitor')
    .description('the local Prometheus, Alertmanager and fleet simulator (127.0.0.1 only)');
  const port = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new InvalidArgumentError('expected a port number from 1 to 65535');
    return n;
  };
  monitor
    .command('up')
    .description('start Prometheus, Alertmanager and the simulated fleet of the inventory')
    .option('-i, --inventory <file>', inventoryHelp, BUILTIN_INVENTORY)
    .option('-d, --dir <dir>', 'folder for their config, data, logs and pid files', DEFAULT_MONITOR_DIR)
    .option('--prometheus-port <port>', 'Prometheus port', port, 9090)
    .option('--alertmanager-port <port>', 'Alertmanager port', port, 9093)
    .option('--simulator-port <port>', 'fleet simulator port', port, 9200)
    .option(
      '--time-scale <n>',
      'divide scrape intervals and alert for-windows by n (for demonstrations and tests)',
      (v: string) => {
        const n = Number(v);
        if (!(n >= 1 && n <= 3600)) throw new InvalidArgumentError('expected a number from 1 to 3600');
        return n;
      },
      1,
    )
    .option(
      '--history-days <n>',
      'days of history to backfill on the first start (0: none)',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 400)
          throw new InvalidArgumentError('expected a whole number of days from 0 to 400');
        return n;
      },
      90,
    )
    .option('--json', 'print the URLs and pids as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  citycloud monitor up && curl -s localhost:9090/api/v1/targets | head',
    )
    .action(async (opts: MonitorUpOptions) => {
      process.exitCode = await runMonitorUp(opts);
    });
  monitor
    .command('down')
    .description('stop exactly the processes monitor up started (by their pid files)')
    .option('-d, --dir <dir>', 'the folder monitor up used', DEFAULT_MONITOR_DIR)
    .action(async (opts: { dir: string }) => {
      process.exitCode = await runMonitorDown(opts);
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
    if (err instanceof OutFolderError || err instanceof LocalStackError) {
      console.error(err.message);
      return EXIT.usage;
    }
    if (err instanceof DeployError) {
      console.error(err.message);
      return err.exitCode;
    }
    const e = err as Error;
    // one line, short, with no credential: an error of a library may quote whole inputs
    const message = redact(String(e?.message ?? err)).split('\n')[0] as string;
    console.error(
      `citycloud: internal error (a bug in citycloud, not in your input): ${message.length > 300 ? `${message.slice(0, 300)}…` : message}; run again with CITYCLOUD_DEBUG=1 to see where, and report it`,
    );
    if (process.env.CITYCLOUD_DEBUG === '1') console.error(redact(String(e?.stack)));
    return EXIT.internal;
  }
}

// a reader that stops early (`citycloud validate | head`) closes the pipe: stop quietly
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw err;
});

process.exitCode = await main(process.argv);
