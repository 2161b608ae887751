/** Rows model:1x and model:10x: load + validate + expand against yaml.parse + JSON.stringify. */
import { benchCities } from './cities.ts';
import type { Bench, BenchRow } from './harness.ts';
import { runWorker } from './harness.ts';

const PEER = 'yaml.parse + JSON.stringify (floor)';

export function modelBench(workDir: string): Bench {
  return {
    name: 'model',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        const name = `model:${scale}`;
        const [warmups, runs] = scale === '1x' ? ['5', '21'] : ['3', '11'];
        log(`${name}: measuring load + validate + expand, then the floor…`);
        const ours = runWorker('./model-worker.ts', ['ours', file, warmups, runs]);
        const floor = runWorker('./model-worker.ts', ['floor', file, warmups, runs]);
        const ratio = ours.medianMs / floor.medianMs;
        const under1s = scale === '10x' ? ours.medianMs < 1000 : true;
        rows.push({
          name,
          unit: 'ms',
          value: ours.medianMs,
          peer: PEER,
          peerValue: floor.medianMs,
          ratio,
          peakRssMB: ours.peakRssMB,
          peerPeakRssMB: floor.peakRssMB,
          target: scale === '10x' ? 'ratio ≤ 3, < 1 s' : 'ratio ≤ 3',
          met: ratio <= 3 && under1s,
        });
      }
      return rows;
    },
  };
}
