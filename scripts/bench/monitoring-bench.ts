/**
 * Rows scrape:1x, scrape:10x (the simulated fleet's full scrape), rules:1x and rules:10x (rule
 * generation), promtool-test:10x (every alert's test under promtool), rules:10x-sharded (the rules
 * split for shards) and monitor-up:3-shards (the local stack's start).
 */
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow } from './harness.ts';
import { monitorUpRow } from './monitor-up-bench.ts';

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
      const tenX = benchCities(workDir).find((c) => c.scale === '10x')?.file as string;
      log('rules:10x: generating the 10x city’s rules and their promtool tests…');
      const ten = compareRow(
        'rules:10x',
        'YAML of the same rules, already built',
        WORKER,
        ['rules-ours', tenX, '1', '5'],
        ['rules-peer', tenX, '1', '5'],
      );
      rows.push({
        ...ten.row,
        target: 'under 2 s',
        met: ten.row.value < 2000,
        note: `${mb(ten.ours.bytes)} of rules and tests`,
      });
      log(
        'promtool-test:10x: promtool test rules of the 10x city, a test file per group, then all in one file…',
      );
      const promtool = compareRow(
        'promtool-test:10x',
        'every test against every rule, in one file',
        WORKER,
        ['promtool-ours', tenX, '0', '3'],
        ['promtool-peer', tenX, '0', '1'],
      );
      rows.push({
        ...promtool.row,
        target: 'under 60 s',
        met: promtool.row.value < 60_000,
        note: `every alert on both sides of its for window (${promtool.peer.bytes} tests)`,
      });
      log('rules:10x-sharded: the rules split for 4 shards and a global, against the unsharded rules…');
      const sharded = compareRow(
        'rules:10x-sharded',
        'the unsharded rules and tests',
        WORKER,
        ['rules-sharded', tenX, '1', '5'],
        ['rules-ours', tenX, '1', '5'],
      );
      rows.push({
        ...sharded.row,
        target: 'under 2 s',
        met: sharded.row.value < 2000,
        note: `${mb(sharded.ours.bytes)} of shard and global rules and tests`,
      });
      log(
        'monitor-up:3-shards: monitor up until every target is scraped and every pool recorded on the global…',
      );
      rows.push(await monitorUpRow(workDir));
      return rows;
    },
  };
}
