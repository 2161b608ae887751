/** Rows model:1x and model:10x: load + validate + expand against yaml.parse + JSON.stringify. */
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow } from './harness.ts';

export function modelBench(workDir: string): Bench {
  return {
    name: 'model',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        const [warmups, runs] = scale === '1x' ? ['5', '21'] : ['3', '11'];
        log(`model:${scale}: measuring load + validate + expand, then the floor…`);
        const { row } = compareRow(
          `model:${scale}`,
          'yaml.parse + JSON.stringify (floor)',
          './model-worker.ts',
          ['ours', file, warmups, runs],
          ['floor', file, warmups, runs],
        );
        const under1s = scale === '10x' ? row.value < 1000 : true;
        rows.push({
          ...row,
          target: scale === '10x' ? 'ratio ≤ 3, < 1 s' : 'ratio ≤ 3',
          met: row.ratio <= 3 && under1s,
        });
      }
      return rows;
    },
  };
}
