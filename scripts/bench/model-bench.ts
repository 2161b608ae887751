/** Rows model:1x and model:10x: load + validate + expand against yaml.parse + JSON.stringify. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import { generateCityYaml } from '../generate-city.ts';
import type { Bench, BenchRow } from './harness.ts';
import { runWorker } from './harness.ts';

const PEER = 'yaml.parse + JSON.stringify (floor)';

export function modelBench(workDir: string): Bench {
  return {
    name: 'model',
    run: async (log) => {
      const tenX = join(workDir, 'city-10x.yaml');
      writeFileSync(tenX, generateCityYaml(BUILTIN_INVENTORY, 10));
      const rows: BenchRow[] = [];
      for (const [name, file, warmups, runs] of [
        ['model:1x', BUILTIN_INVENTORY, '5', '21'],
        ['model:10x', tenX, '3', '11'],
      ] as const) {
        log(`${name}: measuring load + validate + expand, then the floor…`);
        const ours = runWorker('./model-worker.ts', ['ours', file, warmups, runs]);
        const floor = runWorker('./model-worker.ts', ['floor', file, warmups, runs]);
        const ratio = ours.medianMs / floor.medianMs;
        const under1s = name === 'model:10x' ? ours.medianMs < 1000 : true;
        rows.push({
          name,
          unit: 'ms',
          value: ours.medianMs,
          peer: PEER,
          peerValue: floor.medianMs,
          ratio,
          peakRssMB: ours.peakRssMB,
          peerPeakRssMB: floor.peakRssMB,
          target: name === 'model:10x' ? 'ratio ≤ 3, < 1 s' : 'ratio ≤ 3',
          met: ratio <= 3 && under1s,
        });
      }
      return rows;
    },
  };
}
