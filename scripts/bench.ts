/**
 * npm run bench [-- --json] [-- --only model]: every benchmark row with its peer and ratio.
 * A benchmark, not a test: it prints figures and never fails on them.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { capacityBench } from './bench/capacity-bench.ts';
import { diffBench } from './bench/diff-bench.ts';
import { drillBench } from './bench/drill-bench.ts';
import { type Bench, type BenchRow, formatTable } from './bench/harness.ts';
import { modelBench } from './bench/model-bench.ts';
import { monitoringBench } from './bench/monitoring-bench.ts';
import { networkBench } from './bench/network-bench.ts';
import { readerBench } from './bench/reader-bench.ts';
import { runbookBench } from './bench/runbook-bench.ts';
import { synthBench } from './bench/synth-bench.ts';

const WORK_DIR = fileURLToPath(new URL('../.bench', import.meta.url));

const BENCHES: readonly Bench[] = [
  modelBench(WORK_DIR),
  readerBench(WORK_DIR),
  networkBench(WORK_DIR),
  monitoringBench(WORK_DIR),
  runbookBench(WORK_DIR),
  capacityBench(WORK_DIR),
  drillBench(WORK_DIR),
  diffBench(WORK_DIR),
  synthBench(WORK_DIR),
];

const opts = new Command('bench')
  .option('--json', 'print the rows as a JSON array of {name, unit, value, peer, peerValue, ratio}')
  .option('--only <prefix>', 'run only the benches whose name starts with this')
  .parse()
  .opts<{ json?: boolean; only?: string }>();

mkdirSync(WORK_DIR, { recursive: true });
const log = (line: string) => process.stderr.write(`${line}\n`);
const rows: BenchRow[] = [];
for (const bench of BENCHES) {
  if (opts.only && !bench.name.startsWith(opts.only)) continue;
  rows.push(...(await bench.run(log)));
}
if (opts.json) console.log(JSON.stringify(rows, null, 2));
else console.log(formatTable(rows));
