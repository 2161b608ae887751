/** `citycloud monitor up` / `down`: the local Prometheus, Alertmanager and fleet simulator. */
import { formatFinding, hasErrors, loadCity } from '../../model/index.ts';
import { stackDown, stackUp } from '../../monitoring/local/local-stack.ts';
import { fromRoot } from '../../synth/project-root.ts';
import { DEFAULT_MONITOR_DIR } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { shellArg } from '../cli/shell-arg.ts';

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
    for (const f of findings) console.log(formatFinding(f));
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
  if (opts.json) console.log(JSON.stringify(up, null, 2));
  else {
    console.log(
      `✓ local monitoring up in ${opts.dir} (${model.servers.length} simulated servers${opts.timeScale === 1 ? '' : `, time ×${opts.timeScale}`})`,
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
