/**
 * The citycloud command line. Exit codes: 0 success, 1 the command found problems, 2 bad usage
 * or unreadable input, 70 an internal error (a bug). Errors are one line each; a stack trace is
 * shown only with CITYCLOUD_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LEVELS } from '../audit/risk/risk-rule.ts';
import { redact } from '../deploy/redact.ts';
import { formatInputProblem, InventoryInputError, UserError } from '../model/index.ts';
import { PROMETHEUS_AUTH_ENV } from '../runbooks/engine/prometheus-auth.ts';
import { fromRoot } from '../synth/project-root.ts';
import { inert } from '../view/terminal.ts';
import {
  BUILTIN_INVENTORY,
  DEFAULT_CACHE_DIR,
  DEFAULT_MONITOR_DIR,
  DEFAULT_OUT,
  DEFAULT_REVIEW_DIR,
  shown,
} from './cli/defaults.ts';
import { parseDuration } from './cli/duration.ts';
import { EXIT } from './cli/exit-codes.ts';
import { type CapacityReviewOptions, runCapacityReview } from './commands/capacity-review.ts';
import { type DeployOptions, deployCommand } from './commands/deploy.ts';
import { type DiffOptions, runDiff } from './commands/diff.ts';
import { type MonitorUpOptions, runMonitorDown, runMonitorUp } from './commands/monitor.ts';
import {
  type ExecuteOptions,
  RunbookUsageError,
  runResume,
  runStatus,
  runUnlock,
  runUpgradeExecute,
  runUpgradePlan,
  type StoreOptions,
} from './commands/runbook.ts';
import { runSynth } from './commands/synth.ts';
import { watchSynth } from './commands/synth-watch.ts';
import { runValidate } from './commands/validate.ts';
import { runVerify, type VerifyOptions } from './commands/verify.ts';

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
    .option(
      '--evidence <bundle>',
      'deploy only if out/ is exactly the output this signed change review (citycloud diff --evidence) names',
    )
    .option(
      '--plan-evidence <bundle>',
      'with --approve: apply only plans this signed plan review (citycloud diff --plan out/plans --evidence) covers',
    )
    .option(
      '-i, --inventory <file>',
      `the inventory whose deploy section may require a review (default: the built-in city)`,
      BUILTIN_INVENTORY,
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
      process.exitCode = await deployCommand(opts);
    });

  const level = (value: string) => {
    if (!(LEVELS as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${LEVELS.filter((l) => l !== 'low').join(', ')}`);
    return value;
  };
  cli
    .command('diff')
    .description(
      'the risk-ranked semantic diff of two synth outputs (folders or git refs), or of a Terraform plan',
    )
    .argument('[old]', 'the output before: a synth output folder, or a git ref of the inventory’s repository')
    .argument('[new]', 'the output after: a folder or a git ref')
    .option(
      '--plan <file>',
      'review plans instead: the folder citycloud deploy writes (out/plans) or one terraform show -json output',
    )
    .addOption(
      new Option('-f, --format <format>', 'md, json or html').choices(['md', 'json', 'html']).default('md'),
    )
    .option(
      '-o, --output <file>',
      'write the report here (Markdown parts beyond the first as <file>.partN.md)',
    )
    .option(
      '--fail-on <level>',
      'exit 1 when a change at this level or above is present: critical, high, medium',
      level,
    )
    .option(
      '--evidence <file>',
      'write a signed review here: of OLD → NEW, or with --plan of the plans folder citycloud deploy made',
    )
    .option(
      '--valid-for <duration>',
      'with --evidence: the review stops being evidence after this long (e.g. 12h, 7d)',
      (v: string) => parseDuration(v, 60_000, 400 * 86_400_000),
    )
    .option(
      '--reviewer <name>',
      'who reviews: the principal of the signature (as in the allowed-signers file)',
    )
    .option(
      '--signing-key <file>',
      'the reviewer’s SSH key (default: git’s user.signingkey, else ~/.ssh/id_ed25519)',
    )
    .option(
      '-i, --inventory <file>',
      'the inventory whose repository git refs are read from',
      BUILTIN_INVENTORY,
    )
    .option('--cache <dir>', 'the synth cache for sides made from git refs', DEFAULT_CACHE_DIR)
    .addHelpText(
      'after',
      '\nExamples:\n  citycloud diff out-deployed out --format html -o diff.html\n  citycloud diff main HEAD --fail-on high\n  citycloud diff out-deployed out --evidence review.json --reviewer lan@hcmc.gov.vn\n  citycloud diff --plan out/plans --evidence plan-review.json --reviewer lan@hcmc.gov.vn',
    )
    .action(
      async (old: string | undefined, now: string | undefined, opts: Omit<DiffOptions, 'old' | 'new'>) => {
        process.exitCode = await runDiff({
          ...opts,
          ...(old ? { old } : {}),
          ...(now ? { new: now } : {}),
        });
      },
    );
  cli
    .command('verify')
    .description(
      'check that an output folder is exactly the one a signed review bundle names, and its signature',
    )
    .argument('<bundle>', 'the review bundle (citycloud diff --evidence)')
    .argument('<out>', 'the synth output folder to check')
    .option(
      '--allowed-signers <file>',
      'the reviewers’ OpenSSH allowed-signers file (default: those of the output deployed last, from state/ beside OUT)',
    )
    .option('--plan-evidence <bundle>', 'check the plans in OUT/plans against this signed plan review too')
    .option('--allow-rollback', 'accept a review made against another output than the one deployed last')
    .option('--json', 'print the verification as JSON')
    .action(async (bundle: string, out: string, opts: Omit<VerifyOptions, 'bundle' | 'out'>) => {
      process.exitCode = await runVerify({ ...opts, bundle, out });
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
      '--shards <n>',
      'shard Prometheus servers, federated by a global one on the Prometheus port (default: the inventory’s monitoring.shards)',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 16)
          throw new InvalidArgumentError('expected a whole number of shards from 1 to 16');
        return n;
      },
    )
    .option(
      '--shard-ports <ports>',
      'the shards’ ports, comma-separated (default: 9190, 9191, …)',
      (v: string) => v.split(',').map((p) => port(p.trim())),
    )
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
    .option(
      '--load-date <date>',
      'simulate the fleet’s load as of this date (YYYY-MM-DD) instead of today’s: the load model grows with time',
      (v: string) => {
        const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Number.NaN;
        if (!Number.isFinite(t)) throw new InvalidArgumentError('expected a date such as 2026-12-01');
        return t / 1000;
      },
    )
    .option('--json', 'print the URLs and pids as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  citycloud monitor up && curl -s localhost:9090/api/v1/targets | head\n  citycloud monitor up --shards 3   # three shards and a global Prometheus on :9090',
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
  runbookCommands(cli, inventoryHelp);
  return cli;
}

function runbookCommands(cli: Command, inventoryHelp: string): void {
  const whole = (what: string, min: number, max: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}`);
    return n;
  };
  const storeOptions = (c: Command) =>
    c
      .option('-i, --inventory <file>', inventoryHelp, BUILTIN_INVENTORY)
      .addOption(
        new Option(
          '--state <backend>',
          'where the lock and journals live (default: pg when the inventory keeps Terraform state in PostgreSQL, else local)',
        ).choices(['local', 'pg']),
      )
      .option(
        '--runs-dir <dir>',
        'the local store’s folder (default: ~/.local/state/citycloud/runs/<city code>, one per city for this account)',
      )
      .option('--state-url <url>', 'the PostgreSQL store’s connection string (default: $PG_CONN_STR)');
  const executeOptions = (c: Command) =>
    storeOptions(c)
      .option(
        '--prometheus <url>',
        'the Prometheus the gates ask (no credentials in it)',
        'http://127.0.0.1:9090',
      )
      .option(
        '--prometheus-auth-file <file>',
        `Prometheus' basic-auth credentials, netrc-style (machine HOST login USER password PASS; mode 600); or set ${PROMETHEUS_AUTH_ENV}=user:password`,
      )
      .addOption(
        new Option('--executor <name>', 'what acts on the fleet')
          .choices(['sim', 'kubectl-ssh'])
          .default('sim'),
      )
      .option('--simulator <url>', 'the fleet simulator (executor sim)', 'http://127.0.0.1:9200')
      .option('--operator <name>', 'who runs it (default: your user name)')
      .option(
        '--max-failures <n>',
        'abort when more servers than this fail',
        whole('a whole number', 0, 100_000),
        0,
      )
      .option(
        '--gate-settle <seconds>',
        'how long failing gates may take to pass after a wave',
        whole('seconds', 0, 3600),
        120,
      )
      .option(
        '--gate-timeout <seconds>',
        'how long gates may stay unanswerable (Prometheus down) before the run stops, resumable',
        whole('seconds', 1, 86_400),
        900,
      )
      .option(
        '--reboot-timeout <seconds>',
        'how long a server may take to come back',
        whole('seconds', 1, 7200),
        900,
      )
      .option(
        '--concurrency <n>',
        'servers acted on at once within a wave',
        whole('a whole number', 1, 1000),
        64,
      )
      .option(
        '--exit-outside-window',
        'outside the maintenance window, stop (resumable, exit 75) instead of waiting',
      )
      .option('--ssh-user <user>', 'executor kubectl-ssh: the ssh login')
      .option(
        '--upgrade-command <command>',
        'executor kubectl-ssh: the remote upgrade command, {version} for the version',
      )
      .option('--kube-context <name>', 'executor kubectl-ssh: the kubeconfig context')
      .option('--json', 'print the summary as JSON (progress goes to stderr)');

  const runbook = cli
    .command('runbook')
    .description('the ops runbooks: rolling upgrade of the fleet, capacity review');
  const upgrade = executeOptions(
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
    });
  upgrade
    .command('plan')
    .description('the waves, from the rack model and the live state (which servers already run the version)')
    .addHelpText(
      'after',
      '\nIt takes the options of runbook upgrade (--to, --inventory, --prometheus for the live state, --json).',
    )
    .action(async (_opts: object, command: Command) => {
      const opts = command.optsWithGlobals<{
        inventory: string;
        to?: string;
        prometheus: string;
        prometheusAuthFile?: string;
        json?: boolean;
      }>();
      process.exitCode = await runUpgradePlan(opts);
    });
  executeOptions(
    runbook
      .command('resume')
      .description('continue a run from its journal: no step repeated, none skipped')
      .argument('<run>'),
  ).action(async (run: string, opts: ExecuteOptions) => {
    process.exitCode = await runResume(run, opts);
  });
  storeOptions(
    runbook
      .command('status')
      .description(
        'a run’s progress from its journal: done, failed, remaining, per wave (default: the latest run)',
      )
      .argument('[run]'),
  )
    .option('--json', 'print it as JSON')
    .action(async (run: string | undefined, opts: StoreOptions & { json?: boolean }) => {
      process.exitCode = await runStatus(run, opts);
    });
  runbook
    .command('capacity-review')
    .description(
      'forecast every pool, warehouse and district uplink from the Prometheus history: when each crosses its threshold',
    )
    .option('-i, --inventory <file>', inventoryHelp, BUILTIN_INVENTORY)
    .option(
      '--prometheus <url>',
      'the Prometheus with the history (no credentials in it)',
      'http://127.0.0.1:9090',
    )
    .option(
      '--prometheus-auth-file <file>',
      `Prometheus' basic-auth credentials, netrc-style (mode 600); or set ${PROMETHEUS_AUTH_ENV}=user:password`,
    )
    .option('--days <n>', 'days of history read', whole('days', 28, 400), 90)
    .option(
      '--horizon <days>',
      'a crossing within this many days runs short (exit 1)',
      whole('days', 1, 3650),
      180,
    )
    .option(
      '--storage-threshold <share>',
      'the share of a warehouse’s volumes it may fill',
      (v: string) => {
        const n = Number(v);
        if (!(n > 0 && n <= 1))
          throw new InvalidArgumentError('expected a share from 0 (excluded) to 1, e.g. 0.8');
        return n;
      },
      0.8,
    )
    .option(
      '--out <dir>',
      'where the reports go: capacity-review.md (for the ticket), .html (the charts), .json (the data) and .patch (the proposed inventory change)',
      DEFAULT_REVIEW_DIR,
    )
    .option('--json', 'print the review as JSON')
    .option(
      '--patch <file>',
      'write the inventory change that restores the headroom as a unified diff (git apply)',
    )
    .option('--apply', 'apply that change to the inventory files, when the result validates')
    .addHelpText(
      'after',
      '\nExit: 1 when anything is forecast to cross within --horizon, 0 when nothing is, 2 when the history cannot be read.\n\nExample:\n  citycloud monitor up && citycloud runbook capacity-review',
    )
    .action(async (opts: CapacityReviewOptions) => {
      process.exitCode = await runCapacityReview(opts);
    });
  storeOptions(
    runbook
      .command('unlock')
      .description(
        'break the lock of a run that is dead or stale (of one alive only with --force), journaling who and why',
      ),
  )
    .option('--reason <text>', 'why (journaled)')
    .option('--operator <name>', 'who breaks it (default: your user name)')
    .option(
      '--force',
      'break it although its holder looks alive (its pid runs here, or its heartbeat is fresh); journaled as forced',
    )
    .action(async (opts: StoreOptions & { reason?: string; operator?: string; force?: boolean }) => {
      process.exitCode = await runUnlock(opts);
    });
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
      for (const p of err.problems) console.error(inert(formatInputProblem(p)));
      return err.exitCode;
    }
    // every error a user should read says its own exit code (model/user-error.ts); a bug's is 70
    if (err instanceof UserError && err.exitCode !== EXIT.internal) {
      console.error(inert(err.message));
      return err.exitCode;
    }
    const e = err as Error;
    // one line, short, with no credential: an error of a library may quote whole inputs
    const message = redact(String(e?.message ?? err)).split('\n')[0] as string;
    console.error(
      inert(
        `citycloud: internal error (a bug in citycloud, not in your input): ${message.length > 300 ? `${message.slice(0, 300)}…` : message}; run again with CITYCLOUD_DEBUG=1 to see where, and report it`,
      ),
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
