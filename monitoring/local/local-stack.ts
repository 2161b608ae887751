/**
 * Starts and stops the local monitoring stack — Prometheus and Alertmanager from Debian's
 * packages, and the fleet simulator — on 127.0.0.1, each detached with a pid file, so that
 * `down` stops exactly the processes `up` started.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { onPath } from '../../exec/on-path.ts';
import { pidAlive } from '../../exec/pid-alive.ts';
import { CITY_UTC_OFFSET, cityMidnight } from '../../model/city-time.ts';
import { type CityModel, UserError } from '../../model/index.ts';
import { capacityHistory } from '../history/capacity-history.ts';
import { type LocalPorts, localStackFiles, shardConfigFile } from './local-config.ts';

/** A binary the stack needs, and the Debian package that has it. */
export const BINARIES = [
  { name: 'prometheus', apt: 'prometheus' },
  { name: 'promtool', apt: 'prometheus' },
  { name: 'prometheus-alertmanager', apt: 'prometheus-alertmanager' },
] as const;

/** The stack cannot start: a binary is missing, it is already running, a part did not come up. */
export class LocalStackError extends UserError {
  /** Exit 2: the stack cannot be started as asked: bad usage. */
  readonly exitCode = 2;
}

interface Part {
  /** prometheus (the one, or the global), prometheus-shard-<i>, alertmanager, simulator. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** What the process's command line contains, to tell it from a process that reused its pid. */
  readonly marker: string;
  readonly ready: string;
}

// by URL, so the simulator starts whatever folder citycloud is run from
const TSX = import.meta.resolve('tsx');
const pidFile = (dir: string, part: string) => join(dir, `${part}.pid`);

/** The pid a pid file names, if that process is alive and still the one we started. */
function runningPid(dir: string, part: string, marker: string): number | null {
  const file = pidFile(dir, part);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || !pidAlive(pid)) return null;
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  return cmdline.includes(marker) ? pid : null;
}

/** Shards a previous start left pid files for (so `down` stops them whatever it is told). */
function shardsOnRecord(dir: string): number {
  if (!existsSync(dir)) return 0;
  const indexes = readdirSync(dir).flatMap((f) => {
    const m = /^prometheus-shard-(\d+)\.pid$/.exec(f);
    return m ? [Number(m[1])] : [];
  });
  return indexes.length === 0 ? 0 : Math.max(...indexes) + 1;
}

/** A Prometheus of the stack: the one (or the global) with the history's lookback, or a shard. */
function prometheusPart(dir: string, name: string, config: string, port: number): Part {
  return {
    name,
    command: 'prometheus',
    args: [
      `--config.file=${join(dir, config)}`,
      `--storage.tsdb.path=${join(dir, `${name}-data`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=400d',
      // the history has a sample every 15 minutes: look back as far, so queries between samples
      // see it (live series still end at once, through their staleness markers)
      '--query.lookback-delta=15m',
    ],
    marker: join(dir, config),
    ready: `http://127.0.0.1:${port}/-/ready`,
  };
}

/**
 * The processes: the simulator, Alertmanager, the shards if any, then the one (or global)
 * Prometheus. `simulator` is the script that serves the fleet simulator (the command line's
 * entry point, scripts/serve-simulator.ts): its path also tells our process from another.
 */
function parts(
  dir: string,
  simulator: string,
  inventory: string,
  ports: LocalPorts,
  timeScale = 1,
  loadOffsetSeconds = 0,
): Part[] {
  const shards = ports.shards ?? [];
  return [
    {
      name: 'simulator',
      command: process.execPath,
      args: [
        '--import',
        TSX,
        simulator,
        inventory,
        String(ports.simulator),
        String(timeScale),
        String(Math.round(loadOffsetSeconds)),
      ],
      marker: simulator,
      ready: `http://127.0.0.1:${ports.simulator}/-/healthy`,
    },
    {
      name: 'alertmanager',
      command: 'prometheus-alertmanager',
      args: [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'alertmanager-data')}`,
        `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
        '--cluster.listen-address=',
      ],
      marker: join(dir, 'alertmanager.yml'),
      ready: `http://127.0.0.1:${ports.alertmanager}/-/ready`,
    },
    ...(shards.length > 1 ? shards : []).map((port, i) =>
      prometheusPart(dir, `prometheus-shard-${i}`, shardConfigFile(i), port),
    ),
    prometheusPart(dir, 'prometheus', 'prometheus.yml', ports.prometheus),
  ];
}

async function waitReady(url: string, logFile: string, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = existsSync(logFile)
    ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')
    : '';
  throw new LocalStackError(`${url} did not answer within ${seconds} s; last log lines: ${log || '(none)'}`);
}

/** History ends this far before now, clear of the head block the live scrapes write. */
export const HISTORY_GAP_SECONDS = 3 * 3600;

/** Backfills `days` of pool history into an empty Prometheus data folder; returns what it did. */
function backfill(
  model: CityModel,
  dir: string,
  days: number,
  loadOffsetSeconds: number,
): { samples: number; seconds: number } {
  const started = performance.now();
  const text = capacityHistory(model, {
    end: Date.now() / 1000 - HISTORY_GAP_SECONDS,
    days,
    stepSeconds: 900,
    loadOffsetSeconds,
  });
  const file = join(dir, 'history.om');
  writeFileSync(file, text);
  // blocks of up to 31 days, not thousands of 2-hour ones
  const r = spawnSync(
    'promtool',
    [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--max-block-duration=744h',
      file,
      join(dir, 'prometheus-data'),
    ],
    {
      encoding: 'utf8',
    },
  );
  rmSync(file, { force: true });
  if (r.status !== 0)
    throw new LocalStackError(
      `promtool could not backfill the history: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`,
    );
  return {
    samples: text.split('\n').filter((l) => l && !l.startsWith('#')).length,
    seconds: (performance.now() - started) / 1000,
  };
}

export interface StackUp {
  readonly dir: string;
  /** Samples backfilled on this start (none when the data folder already had history). */
  readonly history: { readonly days: number; readonly samples: number; readonly seconds: number } | null;
  readonly urls: {
    /** The one Prometheus, or the global one when sharded. */
    readonly prometheus: string;
    readonly alertmanager: string;
    readonly simulator: string;
    /** The shard Prometheus servers (none for a single one). */
    readonly shards: readonly string[];
  };
  readonly pids: Readonly<Record<string, number>>;
}

/**
 * Real time → the model's when the stack serves the load of `loadDate` (the UTC midnight of a
 * date): the city's today becomes that date, in whole days, so the model's hour is the clock's
 * and a review's whole days are the same days of the model whatever the hour the stack starts.
 */
export const loadDateOffset = (loadDate: number, now: number): number =>
  loadDate - CITY_UTC_OFFSET - cityMidnight(now);

/** Writes the config and starts the three processes; throws LocalStackError with the reason. */
export async function stackUp(
  model: CityModel,
  inventory: string,
  options: {
    dir: string;
    ports: LocalPorts;
    timeScale: number;
    historyDays: number;
    simulator: string;
    /** Serve (and backfill) the load as of this date, unix seconds, rather than today's. */
    loadDate?: number;
  },
): Promise<StackUp> {
  for (const b of BINARIES)
    if (!onPath(b.name))
      throw new LocalStackError(`${b.name} is not installed; install it with: apt-get install -y ${b.apt}`);
  const dir = resolve(options.dir);
  const offset = options.loadDate === undefined ? 0 : loadDateOffset(options.loadDate, Date.now() / 1000);
  const all = parts(dir, options.simulator, resolve(inventory), options.ports, options.timeScale, offset);
  const recorded = shardsOnRecord(dir);
  const earlier = parts(dir, options.simulator, '', {
    ...options.ports,
    shards: Array.from({ length: recorded }, () => 0),
  }).filter((p) => !all.some((q) => q.name === p.name));
  const running = [...all, ...earlier].flatMap((p) => {
    const pid = runningPid(dir, p.name, p.marker);
    return pid ? [`${p.name} (pid ${pid})`] : [];
  });
  if (running.length > 0)
    throw new LocalStackError(
      `the local stack in ${options.dir} is already running: ${running.join(', ')}; run citycloud monitor down --dir ${options.dir} first`,
    );
  for (const [rel, content] of localStackFiles(model, options.ports, options.timeScale)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  const history =
    options.historyDays > 0 && !existsSync(join(dir, 'prometheus-data'))
      ? { days: options.historyDays, ...backfill(model, dir, options.historyDays, offset) }
      : null;
  const pids: Record<string, number> = {};
  try {
    for (const p of all) {
      const log = join(dir, `${p.name}.log`);
      const out = openSync(log, 'a');
      const child = spawn(p.command, p.args, { detached: true, stdio: ['ignore', out, out] });
      child.unref();
      if (!child.pid) throw new LocalStackError(`${p.name} did not start`);
      pids[p.name] = child.pid;
      writeFileSync(pidFile(dir, p.name), `${child.pid}\n`);
      await waitReady(p.ready, log, 30);
    }
  } catch (err) {
    await stackDown(options.dir, options.simulator);
    throw err;
  }
  return {
    dir,
    history,
    urls: {
      prometheus: `http://127.0.0.1:${options.ports.prometheus}`,
      alertmanager: `http://127.0.0.1:${options.ports.alertmanager}`,
      simulator: `http://127.0.0.1:${options.ports.simulator}`,
      shards:
        (options.ports.shards ?? []).length > 1
          ? (options.ports.shards ?? []).map((port) => `http://127.0.0.1:${port}`)
          : [],
    },
    pids,
  };
}

/** Stops exactly the processes the pid files name (if still ours); returns what it stopped. */
export async function stackDown(dirOption: string, simulator: string): Promise<string[]> {
  const dir = resolve(dirOption);
  const stopped: string[] = [];
  const shards = Array.from({ length: shardsOnRecord(dir) }, () => 0);
  for (const p of parts(dir, simulator, '', { prometheus: 0, alertmanager: 0, simulator: 0, shards })) {
    const pid = runningPid(dir, p.name, p.marker);
    if (pid) {
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 10_000;
      while (pidAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      stopped.push(`${p.name} (pid ${pid})`);
    }
    rmSync(pidFile(dir, p.name), { force: true });
  }
  return stopped;
}
