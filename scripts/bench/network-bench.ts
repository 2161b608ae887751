/** Rows network:1x and network:10x: the plan and every network check against a naive overlap check. */
import { benchCities } from './cities.ts';
import type { Bench, BenchRow } from './harness.ts';
import { runWorker } from './harness.ts';

export function networkBench(workDir: string): Bench {
  return {
    name: 'network',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        const name = `network:${scale}`;
        const [warmups, runs] = scale === '1x' ? ['5', '21'] : ['2', '7'];
        log(`${name}: measuring the address plan and the network checks, then the naive overlap check…`);
        const ours = runWorker('./network-worker.ts', ['ours', file, warmups, runs]);
        const peer = runWorker('./network-worker.ts', ['peer', file, warmups, runs]);
        rows.push({
          name,
          unit: 'ms',
          value: ours.medianMs,
          peer: 'naive all-pairs overlap check alone',
          peerValue: peer.medianMs,
          ratio: ours.medianMs / peer.medianMs,
          peakRssMB: ours.peakRssMB,
          peerPeakRssMB: peer.peakRssMB,
          ...(scale === '10x' ? { target: '< 1 s', met: ours.medianMs < 1000 } : {}),
        });
      }
      return rows;
    },
  };
}
