/**
 * Rows upgrade-plan:10x (the plan of the 10x fleet against cutting the sorted server list into
 * fixed batches; target under 0.2 s) and upgrade-journal:10x (every step record of the 10x
 * fleet's upgrade through the journal, against a plain append + fsync loop; target within 3×) and
 * runbook-engine:10x (a no-op runbook over the 10x fleet run by the engine, against the same loop).
 */
import { join } from 'node:path';
import { benchCities } from './cities.ts';
import { type Bench, type BenchRow, compareRow, type Measurement } from './harness.ts';

const WORKER = './runbook-worker.ts';

export function runbookBench(workDir: string): Bench {
  return {
    name: 'upgrade',
    run: async (log) => {
      const tenX = benchCities(workDir).find((c) => c.scale === '10x')?.file as string;
      const rows: BenchRow[] = [];
      log(
        'upgrade-plan:10x: planning the 10x fleet’s upgrade, then cutting its sorted servers into batches…',
      );
      const plan = compareRow(
        'upgrade-plan:10x',
        'sorted servers cut into batches of 100',
        WORKER,
        ['plan-ours', tenX, '2', '9'],
        ['plan-peer', tenX, '2', '9'],
      );
      rows.push({
        ...plan.row,
        target: '< 200 ms',
        met: plan.row.value < 200,
        note: `${(plan.ours as Measurement & { records: number }).records} waves`,
      });
      log(
        'upgrade-journal:10x: journaling every step of the 10x fleet’s upgrade, then the same records with one fsync each…',
      );
      const dir = join(workDir, 'journal');
      const journal = compareRow(
        'upgrade-journal:10x',
        'append + fdatasync per record',
        WORKER,
        ['journal-ours', tenX, '0', '1', dir],
        ['journal-peer', tenX, '0', '1', dir],
      );
      const ours = journal.ours as Measurement & { records: number };
      rows.push({
        ...journal.row,
        target: 'ratio ≤ 3',
        met: journal.row.ratio <= 3,
        note: `${ours.records.toLocaleString('en-US')} records, ${(ours.records / (ours.medianMs / 1000)).toFixed(0)} records/s (group commit: the records appended side by side share one fdatasync)`,
      });
      log(
        'runbook-engine:10x: a no-op runbook of five steps over the 10x fleet’s servers, run by the engine, then plain appends with one fsync each…',
      );
      const engine = compareRow(
        'runbook-engine:10x',
        'append + fdatasync per step record',
        WORKER,
        ['engine-ours', tenX, '0', '1', join(workDir, 'engine')],
        ['journal-peer', tenX, '0', '1', join(workDir, 'engine-peer')],
      );
      const steps = engine.ours as Measurement & { records: number };
      rows.push({
        ...engine.row,
        target: 'ratio ≤ 3',
        met: engine.row.ratio <= 3,
        note: `${steps.records.toLocaleString('en-US')} step records, each step's done check before it (the lock, the waves, the progress lines included)`,
      });
      return rows;
    },
  };
}
