/**
 * Row diff:10x: `citycloud diff --format json` of two synth outputs of the 10x city that differ in
 * about 1% of their resources across several stacks, against microdiff (a general deep-diff
 * library) on the same Terraform JSON files in the same run. Target: under 0.5 s and at most half
 * the library's time.
 *
 * Row deploy-stage:10x: what `citycloud deploy` does to the 10x output before any tool runs — its
 * review gate's check of every file and the staged private copy of the tool inputs — against
 * copying the folder with `cp -r`. Target: at most twice the copy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../synth/project-root.ts';
import { benchCities, withOnePercentChanged } from './cities.ts';
import { type Bench, type BenchRow, compareRow, type Measurement } from './harness.ts';

const BIN = join(PROJECT_ROOT, 'bin/citycloud.mjs');

function synth(city: string, out: string, cache: string): void {
  execFileSync(process.execPath, [BIN, 'synth', '-i', city, '--out', out, '--cache', cache], {
    stdio: 'ignore',
  });
}

/** Terraform resources in an output, from its manifest. */
function resources(out: string): number {
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    resources: Record<string, Record<string, number>>;
  };
  return Object.entries(m.resources)
    .filter(([stack]) => stack !== 'offsite')
    .reduce((sum, [, types]) => sum + Object.values(types).reduce((a, b) => a + b, 0), 0);
}

export function diffBench(workDir: string): Bench {
  return {
    name: 'diff',
    run: async (log) => {
      const tenX = benchCities(workDir).find((c) => c.scale === '10x')?.file as string;
      const changed = withOnePercentChanged(tenX, join(workDir, 'city-10x-changed'));
      const [before, after, cache] = ['diff-before', 'diff-after', 'diff-cache'].map((d) =>
        join(workDir, d),
      ) as [string, string, string];
      log('diff:10x: synthesizing the 10x city and a copy changed in about 1% of its resources…');
      synth(tenX, before, cache);
      synth(changed, after, cache);
      const { row, ours } = compareRow(
        'diff:10x',
        'microdiff on the same Terraform JSON',
        './diff-worker.ts',
        ['ours', before, after, '3', '9'],
        ['peer', before, after, '3', '9'],
      );
      const n = (ours as Measurement & { changes: number }).changes;
      log('deploy-stage:10x: the gate and the staged copy of the 10x output, against cp -r…');
      const stage = compareRow(
        'deploy-stage:10x',
        'cp -r of the output folder',
        './deploy-stage-worker.ts',
        ['ours', after, '2', '7'],
        ['peer', after, '2', '7'],
      );
      const rows: BenchRow[] = [
        {
          ...row,
          target: '< 500 ms, ratio ≤ 0.5',
          met: row.value < 500 && row.ratio <= 0.5,
          note: `${n.toLocaleString('en-US')} changes of ${resources(before).toLocaleString('en-US')} resources`,
        },
        {
          ...stage.row,
          target: 'ratio ≤ 2',
          met: stage.row.ratio <= 2,
          note: `${((stage.ours.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB of tool inputs staged, every file of the output checked`,
        },
      ];
      return rows;
    },
  };
}
