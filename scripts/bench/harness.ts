/**
 * The bench harness: rows of {figure, the naive peer's figure in the same run, their ratio},
 * printed as a table or as JSON. Later issues add their rows to BENCHES in scripts/bench.ts.
 */
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../../synth/project-root.ts';

export interface BenchRow {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** What the figure is compared with. */
  readonly peer: string;
  readonly peerValue: number;
  /** value / peerValue. */
  readonly ratio: number;
  readonly peakRssMB?: number;
  readonly peerPeakRssMB?: number;
  /** What the row promises, e.g. `ratio ≤ 3`, and whether this run kept it. */
  readonly target?: string;
  readonly met?: boolean;
  /** Anything else worth a glance, e.g. the size of what was produced. */
  readonly note?: string;
}

export interface Bench {
  readonly name: string;
  readonly run: (log: (line: string) => void) => Promise<BenchRow[]>;
}

/** What a worker measured. */
export interface Measurement {
  readonly medianMs: number;
  readonly peakRssMB: number;
  /** Bytes produced by one run, where the worker reports it. */
  readonly bytes?: number;
}

/**
 * Runs a bench worker script in its own node (so its peak memory is its own) and reads its JSON:
 * a TypeScript source through tsx, or a built .mjs (see buildWorkers) as it is.
 */
export function runWorker(script: string, args: readonly string[]): Measurement {
  const path = script.startsWith('/') ? script : fileURLToPath(new URL(script, import.meta.url));
  const loader = path.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const stdout = execFileSync(process.execPath, [...loader, path, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Measurement;
}

/**
 * Compiles bench workers as `npm run build` compiles the command line (scripts/build.mjs: esbuild,
 * bundled and code split), into `outDir`: name → source, relative to the checkout. Both sides of
 * a row then run compiled code, as the citycloud command does.
 */
export function buildWorkers(outDir: string, entries: Readonly<Record<string, string>>): void {
  execFileSync(
    process.execPath,
    [
      'scripts/build.mjs',
      '--out',
      relative(PROJECT_ROOT, outDir),
      ...Object.entries(entries).map(([n, p]) => `${n}=${p}`),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/**
 * Measures both sides of a row, each in a node of its own (ours first), and makes the row:
 * value, peer value, ratio and both peak memories. The caller adds a target or a note.
 */
export function compareRow(
  name: string,
  peer: string,
  script: string,
  ours: readonly string[],
  theirs: readonly string[],
): { row: BenchRow; ours: Measurement; peer: Measurement } {
  const a = runWorker(script, ours);
  const b = runWorker(script, theirs);
  return {
    row: {
      name,
      unit: 'ms',
      value: a.medianMs,
      peer,
      peerValue: b.medianMs,
      ratio: a.medianMs / b.medianMs,
      peakRssMB: a.peakRssMB,
      peerPeakRssMB: b.peakRssMB,
    },
    ours: a,
    peer: b,
  };
}

/**
 * Times `work` after warm-up runs; returns the median and the process's peak memory. Runs go
 * back to back: forcing a full GC between them shrinks the heap and made each run 2.5x slower.
 */
export function measure(work: () => void, warmups: number, runs: number): Measurement {
  for (let i = 0; i < warmups; i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    work();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)] as number,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

/** measure() for asynchronous work (scrapes, queries), each run awaited before the next. */
export async function measureAsync(
  work: () => Promise<void>,
  warmups: number,
  runs: number,
): Promise<Measurement> {
  for (let i = 0; i < warmups; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)] as number,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

/** The rows as an aligned text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const fmt = (n: number, unit: string) => `${n.toFixed(n < 10 ? 2 : 1)} ${unit}`;
  const cells = rows.map((r) => [
    r.name,
    fmt(r.value, r.unit),
    r.peakRssMB === undefined ? '' : `${r.peakRssMB.toFixed(0)} MB`,
    r.peer,
    fmt(r.peerValue, r.unit),
    r.peerPeakRssMB === undefined ? '' : `${r.peerPeakRssMB.toFixed(0)} MB`,
    `${r.ratio.toFixed(2)}x`,
    r.target ? `${r.met ? '✓' : '✗'} ${r.target}` : '',
    r.note ?? '',
  ]);
  const head = ['bench', 'value', 'peak RSS', 'peer', 'peer value', 'peer RSS', 'ratio', 'target', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const right = [false, true, true, false, true, true, true, false, false];
  const line = (c: readonly string[]) =>
    c
      .map((x, i) => pad(x, widths[i] as number, right[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}
