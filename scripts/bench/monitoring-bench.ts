/** Rows scrape:1x, scrape:10x (the simulated fleet's full scrape) and rules:1x (rule generation). */
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow } from './harness.ts';

const mb = (bytes: number | undefined) => `${((bytes ?? 0) / 1e6).toFixed(1)} MB`;
const WORKER = './monitoring-worker.ts';

export function monitoringBench(workDir: string): Bench {
  return {
    name: 'monitoring',
    run: async (log) => {
      const rows: BenchRow[] = [];
      for (const { scale, file } of benchCities(workDir)) {
        const [warmups, runs] = scale === '1x' ? ['3', '11'] : ['1', '5'];
        log(
          `scrape:${scale}: scraping every target of the simulated fleet, then one plain registry of the same series…`,
        );
        const { row, ours, peer } = compareRow(
          `scrape:${scale}`,
          'one prom-client registry, same series',
          WORKER,
          ['scrape-ours', file, warmups, runs],
          ['scrape-peer', file, warmups, runs],
        );
        rows.push({
          ...row,
          peer: `${row.peer} (${mb(peer.bytes)})`,
          note: `${mb(ours.bytes)} over all targets`,
        });
      }
      log('rules:1x: generating the rules and their promtool tests…');
      const { row, ours } = compareRow(
        'rules:1x',
        'YAML of the same rules, already built',
        WORKER,
        ['rules-ours', BUILTIN_INVENTORY, '5', '21'],
        ['rules-peer', BUILTIN_INVENTORY, '5', '21'],
      );
      rows.push({ ...row, note: `${mb(ours.bytes)} of rules and tests` });
      return rows;
    },
  };
}
