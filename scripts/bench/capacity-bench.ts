/**
 * Rows capacity-review:1x and capacity-review:10x: the whole review (queries, analysis, reports)
 * against the same range queries alone, on the city's own local stack (`monitor up` with 90 days
 * of history, Debian's Prometheus), started for the row and stopped after it. Target at 10x:
 * under 5 s, and the analysis no more than the queries (ratio ≤ 2).
 */
import { type CityModel, loadCity } from '../../model/index.ts';
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow, type Measurement } from './harness.ts';
import { withLocalStack } from './local-stack.ts';
import { scalar } from './monitor-up-bench.ts';

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
        await withLocalStack(['--inventory', file, '--history-days', '90'], async (ports, start) => {
          start();
          const prometheus = `http://127.0.0.1:${ports.prometheus}`;
          // reviewed as a Prometheus that has been running is: every server scraped once
          const servers = (loadCity(file).model as CityModel).servers.length;
          while ((await scalar(prometheus, 'count(up{job="node"})')) < servers)
            await new Promise((r) => setTimeout(r, 500));
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
        });
      }
      return rows;
    },
  };
}
