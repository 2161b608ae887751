/**
 * The runbook tests' fleet: the real local stack (`citycloud monitor up`: Debian's Prometheus and
 * Alertmanager, the fleet simulator) on free ports, and the real command line run as a child
 * process that a test can watch line by line and kill.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { MaintenanceRecord, ServerState } from '../../monitoring/simulator/fleet-maintenance.ts';
import { BIN, ROOT, runCli, tempDir } from './city.ts';

/** Ports nothing listens on right now. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface LocalFleet {
  readonly dir: string;
  readonly prometheus: string;
  readonly simulator: string;
  /** The pid of a part, from its pid file. */
  pid(part: 'prometheus' | 'alertmanager' | 'simulator'): number;
  down(): void;
}

/** The date the tests simulate the load of, so pools stay where they were when the tests were written. */
export const LOAD_DATE = '2026-12-01';

/** The `citycloud monitor up` command line of a test's stack, on its own ports, serving LOAD_DATE. */
export function monitorUpArgs(o: {
  inventory: string;
  dir: string;
  ports: { prometheus: number; alertmanager: number; simulator: number };
  timeScale?: number;
  historyDays?: number;
  more?: readonly string[];
}): string[] {
  return [
    'monitor',
    'up',
    '--inventory',
    o.inventory,
    '--dir',
    o.dir,
    '--prometheus-port',
    String(o.ports.prometheus),
    '--alertmanager-port',
    String(o.ports.alertmanager),
    '--simulator-port',
    String(o.ports.simulator),
    '--time-scale',
    String(o.timeScale ?? 1),
    '--history-days',
    String(o.historyDays ?? 0),
    '--load-date',
    LOAD_DATE,
    ...(o.more ?? []),
  ];
}

export async function startFleet(
  inventory: string,
  timeScale = 30,
  options: { readonly shards?: number; readonly historyDays?: number } = {},
): Promise<LocalFleet> {
  const shards = options.shards ?? 1;
  const [prometheus, alertmanager, simulator, ...shardPorts] = (await freePorts(
    3 + (shards > 1 ? shards : 0),
  )) as [number, number, number, ...number[]];
  const dir = join(tempDir(), 'monitor');
  const up = runCli(
    monitorUpArgs({
      inventory,
      dir,
      ports: { prometheus, alertmanager, simulator },
      timeScale,
      ...(options.historyDays ? { historyDays: options.historyDays } : {}),
      ...(shards > 1 ? { more: ['--shards', String(shards), '--shard-ports', shardPorts.join(',')] } : {}),
    }),
  );
  if (up.code !== 0) throw new Error(`monitor up failed: ${up.stderr || up.stdout}`);
  const fleet: LocalFleet = {
    dir,
    prometheus: `http://127.0.0.1:${prometheus}`,
    simulator: `http://127.0.0.1:${simulator}`,
    pid: (part) => Number(readFileSync(join(dir, `${part}.pid`), 'utf8').trim()),
    down: () => {
      runCli(['monitor', 'down', '--dir', dir]);
    },
  };
  // with shards, the global has the versions once it has federated them
  await untilTrue('every server scraped', 120, async () => {
    const r = await query(fleet.prometheus, 'count(citycloud_node_version)');
    return r.length === 1;
  });
  return fleet;
}

/** The fleet simulator alone (no Prometheus): what a runbook acting on the fleet drives. */
export interface Simulator {
  readonly url: string;
  stop(): void;
  fault(kind: string, target: string): Promise<string>;
  clear(id: string): Promise<void>;
}

export async function startSimulator(inventory: string): Promise<Simulator> {
  const [port] = (await freePorts(1)) as [number];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/serve-simulator.ts'), inventory, String(port)],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it answered`))),
  );
  exited.catch(() => {});
  await Promise.race([
    untilTrue('the simulator', 120, async () => (await fetch(`${url}/-/healthy`)).ok),
    exited,
  ]);
  return {
    url,
    stop: () => child.kill(),
    fault: async (kind, target) => {
      const res = await fetch(`${url}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, target }),
      });
      if (!res.ok) throw new Error(`POST /faults: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    clear: async (id) => {
      const res = await fetch(`${url}/faults/${id}`, { method: 'DELETE' });
      if (!res.ok) throw new Error(`DELETE /faults/${id}: ${res.status}`);
    },
  };
}

/** An instant query's samples (throws on an error). */
export async function query(
  prometheus: string,
  q: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`query ${q} failed`);
  return body.data.result;
}

export async function untilTrue(what: string, seconds: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/** What the simulator itself recorded of the maintenance it received. */
export async function fleetRecord(simulator: string): Promise<MaintenanceRecord> {
  return (await (await fetch(`${simulator}/fleet/record`)).json()) as MaintenanceRecord;
}

export async function serverState(simulator: string, server: string): Promise<ServerState> {
  return (await (await fetch(`${simulator}/fleet/servers/${server}`)).json()) as ServerState;
}

/** A citycloud command running as a child process, watched line by line. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves when a printed line matches (event-driven: on each chunk of output). */
  line(pattern: RegExp, nth?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: { pattern: RegExp; nth: number; resolve: (l: string) => void }[] = [];
  const check = () => {
    const lines = text.split('\n');
    for (const w of [...waiters]) {
      const hits = lines.filter((l) => w.pattern.test(l));
      if (hits.length >= w.nth) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hits[w.nth - 1] as string);
      }
    }
  };
  const onData = (d: Buffer) => {
    text += d.toString();
    check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    line: (pattern, nth = 1) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, nth, resolve });
        check();
        void exited.then(() => {
          check();
          if (waiters.some((w) => w.pattern === pattern))
            reject(new Error(`the command ended before printing ${pattern} (${nth}): ${text.slice(-2000)}`));
        });
      }),
    exited,
  };
}

/** A small deterministic PRNG (mulberry32), so a failing random schedule can be replayed by seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
