/** Rows scrape:1x, scrape:10x (the simulated fleet's full scrape) and rules:1x (rule generation). */
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import { benchCities } from './cities.ts';
import type { Bench, BenchRow } from './harness.ts';
import { runWorker } from './harness.ts';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function monitoringBench(workDir: string): Bench {
  return {
    name: 'monitoring',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        const name = `scrape:${scale}`;
        const [warmups, runs] = scale === '1x' ? ['3', '11'] : ['1', '5'];
        log(
          `${name}: scraping every target of the simulated fleet, then one plain registry of the same series…`,
        );
        const ours = runWorker('./monitoring-worker.ts', ['scrape-ours', file, warmups, runs]);
        const peer = runWorker('./monitoring-worker.ts', ['scrape-peer', file, warmups, runs]);
        rows.push({
          name,
          unit: 'ms',
          value: ours.medianMs,
          peer: `one prom-client registry, same series (${mb(peer.bytes ?? 0)})`,
          peerValue: peer.medianMs,
          ratio: ours.medianMs / peer.medianMs,
          peakRssMB: ours.peakRssMB,
          peerPeakRssMB: peer.peakRssMB,
          note: `${mb(ours.bytes ?? 0)} over all targets`,
        });
      }
      log('rules:1x: generating the rules and their promtool tests…');
      const ours = runWorker('./monitoring-worker.ts', ['rules-ours', BUILTIN_INVENTORY, '5', '21']);
      const peer = runWorker('./monitoring-worker.ts', ['rules-peer', BUILTIN_INVENTORY, '5', '21']);
      rows.push({
        name: 'rules:1x',
        unit: 'ms',
        value: ours.medianMs,
        peer: 'YAML of the same rules, already built',
        peerValue: peer.medianMs,
        ratio: ours.medianMs / peer.medianMs,
        peakRssMB: ours.peakRssMB,
        peerPeakRssMB: peer.peakRssMB,
        note: `${mb(ours.bytes ?? 0)} of rules and tests`,
      });
      return rows;
    },
  };
}
