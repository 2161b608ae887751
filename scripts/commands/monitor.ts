/** `citycloud monitor up` / `down`: the local Prometheus, Alertmanager and fleet simulator. */

import { shellArg } from '../../exec/shell-quote.ts';
import { hasErrors, loadCity, serversInService } from '../../model/index.ts';
import { stackDown, stackUp } from '../../monitoring/local/local-stack.ts';
import { fromRoot } from '../../synth/project-root.ts';
import type { CommandModule } from '../cli/command-module.ts';
import { DEFAULT_MONITOR_DIR } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { withInventory } from '../cli/options.ts';
import { day, decimal, port, portList, wholeNumber } from '../cli/parsers.ts';
import { printFindings } from '../cli/report.ts';

/** The process entry point that serves the fleet simulator (always from the sources, through tsx). */
const SIMULATOR = fromRoot('scripts/serve-simulator.ts');

export interface MonitorUpOptions {
  readonly inventory: string;
  readonly dir: string;
  readonly prometheusPort: number;
  readonly alertmanagerPort: number;
  readonly simulatorPort: number;
  /** Shard Prometheus servers; the inventory's monitoring.shards when not given. */
  readonly shards?: number;
  readonly shardPorts?: readonly number[];
  readonly timeScale: number;
  readonly historyDays: number;
  /** Unix seconds: serve the load of that date (the load model grows with time). */
  readonly loadDate?: number;
  readonly json?: boolean;
}

export async function runMonitorUp(opts: MonitorUpOptions): Promise<number> {
  const { model, findings } = loadCity(opts.inventory);
  if (!model || hasErrors(findings)) {
    printFindings(findings, console.log);
    console.log('✗ the inventory has errors; the local stack was not started');
    return EXIT.problems;
  }
  const shards = opts.shards ?? model.monitoring.shards;
  const shardPorts = opts.shardPorts ?? Array.from({ length: shards }, (_, i) => 9190 + i);
  if (shards > 1 && shardPorts.length !== shards) {
    console.error(
      `citycloud: --shard-ports names ${shardPorts.length} ports for ${shards} shards; expected one port per shard`,
    );
    return EXIT.usage;
  }
  const up = await stackUp(model, opts.inventory, {
    dir: opts.dir,
    ports: {
      prometheus: opts.prometheusPort,
      alertmanager: opts.alertmanagerPort,
      simulator: opts.simulatorPort,
      shards: shards > 1 ? shardPorts : [],
    },
    timeScale: opts.timeScale,
    historyDays: opts.historyDays,
    simulator: SIMULATOR,
    ...(opts.loadDate === undefined ? {} : { loadDate: opts.loadDate }),
  });
  const scraped = serversInService(model).length;
  if (opts.json) console.log(JSON.stringify(up, null, 2));
  else {
    console.log(
      `✓ local monitoring up in ${opts.dir} (${scraped} servers scraped${scraped < model.servers.length ? `, ${model.servers.length - scraped} of planned phases not` : ''}${opts.timeScale === 1 ? '' : `, time ×${opts.timeScale}`})`,
    );
    if (up.history)
      console.log(
        `  history: ${up.history.days} days of pools, warehouse volumes and uplinks backfilled (${up.history.samples.toLocaleString('en-US')} samples, ${up.history.seconds.toFixed(1)} s)`,
      );
    if (up.urls.shards.length > 0) {
      console.log(
        `  Prometheus    ${up.urls.prometheus}  (global: federates the shards, evaluates the aggregate alerts)`,
      );
      up.urls.shards.forEach((url, i) => {
        console.log(`  shard ${i}       ${url}`);
      });
    } else console.log(`  Prometheus    ${up.urls.prometheus}`);
    console.log(`  Alertmanager  ${up.urls.alertmanager}`);
    console.log(
      `  simulator     ${up.urls.simulator}  (faults: POST ${up.urls.simulator}/faults, Content-Type: application/json, {"kind":"server-down","target":"<server>"})`,
    );
    console.log(
      `  stop with: citycloud monitor down${opts.dir === DEFAULT_MONITOR_DIR ? '' : ` --dir ${shellArg(opts.dir)}`}`,
    );
  }
  return EXIT.ok;
}

export async function runMonitorDown(opts: { dir: string }): Promise<number> {
  const stopped = await stackDown(opts.dir, SIMULATOR);
  console.log(stopped.length > 0 ? `✓ stopped ${stopped.join(', ')}` : `nothing was running in ${opts.dir}`);
  return EXIT.ok;
}

export const command: CommandModule = {
  register: (cli) => {
    const monitor = cli
      .command('monitor')
      .description('the local Prometheus, Alertmanager and fleet simulator (127.0.0.1 only)');
    withInventory(
      monitor
        .command('up')
        .description('start Prometheus, Alertmanager and the simulated fleet of the inventory'),
    )
      .option('-d, --dir <dir>', 'folder for their config, data, logs and pid files', DEFAULT_MONITOR_DIR)
      .option('--prometheus-port <port>', 'Prometheus port', port, 9090)
      .option('--alertmanager-port <port>', 'Alertmanager port', port, 9093)
      .option('--simulator-port <port>', 'fleet simulator port', port, 9200)
      .option(
        '--shards <n>',
        'shard Prometheus servers, federated by a global one on the Prometheus port (default: the inventory’s monitoring.shards)',
        wholeNumber('a whole number of shards', 1, 16),
      )
      .option(
        '--shard-ports <ports>',
        'the shards’ ports, comma-separated (default: 9190, 9191, …)',
        portList,
      )
      .option(
        '--time-scale <n>',
        'divide scrape intervals and alert for-windows by n (for demonstrations and tests)',
        decimal('a number', 1, 3600),
        1,
      )
      .option(
        '--history-days <n>',
        'days of history to backfill on the first start (0: none)',
        wholeNumber('a whole number of days', 0, 400),
        90,
      )
      .option(
        '--load-date <date>',
        'simulate the fleet’s load as of this date (YYYY-MM-DD) instead of today’s: the load model grows with time',
        day,
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
    return monitor;
  },
};
