/** Rows network:1x and network:10x: the plan and every network check against a naive overlap check. */
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow } from './harness.ts';

export function networkBench(workDir: string): Bench {
  return {
    name: 'network',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        const [warmups, runs] = scale === '1x' ? ['5', '21'] : ['2', '7'];
        log(
          `network:${scale}: measuring the address plan and the network checks, then the naive overlap check…`,
        );
        const { row } = compareRow(
          `network:${scale}`,
          'naive all-pairs overlap check alone',
          './network-worker.ts',
          ['ours', file, warmups, runs],
          ['peer', file, warmups, runs],
        );
        rows.push(scale === '10x' ? { ...row, target: '< 1 s', met: row.value < 1000 } : row);
      }
      return rows;
    },
  };
}
