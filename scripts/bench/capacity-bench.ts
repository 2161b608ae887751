/**
 * Rows capacity-review:1x and capacity-review:10x: the whole review (queries, analysis, reports)
 * against the same range queries alone, on the city's own local stack (`monitor up` with 90 days
 * of history, Debian's Prometheus), started for the row and stopped after it. Target at 10x:
 * under 5 s, and the analysis no more than the queries (ratio ≤ 2).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow, type Measurement } from './harness.ts';
import { BIN, freePort } from './monitor-up-bench.ts';

const WORKER = './capacity-worker.ts';

export function capacityBench(workDir: string): Bench {
  return {
    name: 'capacity',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        log(
          `capacity-review:${scale}: monitor up with 90 days of history, then the review and its queries alone…`,
        );
        const dir = join(mkdtempSync(join(tmpdir(), 'citycloud-bench-capacity-')), 'monitor');
        const [p, a, s] = [await freePort(), await freePort(), await freePort()];
        try {
          execFileSync(
            process.execPath,
            [
              BIN,
              'monitor',
              'up',
              '--inventory',
              file,
              '--dir',
              dir,
              '--history-days',
              '90',
              '--prometheus-port',
              String(p),
              '--alertmanager-port',
              String(a),
              '--simulator-port',
              String(s),
            ],
            { stdio: 'ignore' },
          );
          const prometheus = `http://127.0.0.1:${p}`;
          const { row, ours } = compareRow(
            `capacity-review:${scale}`,
            'the same range queries alone',
            WORKER,
            ['review', file, prometheus, '1', '5'],
            ['queries', file, prometheus, '1', '5'],
          );
          rows.push({
            ...row,
            ...(scale === '10x'
              ? { target: '< 5 s, ratio ≤ 2', met: row.value < 5000 && row.ratio <= 2 }
              : {}),
            note: `${(ours as Measurement & { samples: number }).samples.toLocaleString('en-US')} samples`,
          });
        } finally {
          execFileSync(process.execPath, [BIN, 'monitor', 'down', '--dir', dir], { stdio: 'ignore' });
          rmSync(dir, { recursive: true, force: true });
        }
      }
      return rows;
    },
  };
}
