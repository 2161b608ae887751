/**
 * Rows read:keys-1mb, -4mb, -16mb: reading an inventory file that is one mapping of junk keys.
 * The old reader was quadratic in the keys of one mapping (47 s at 4 MB); ours must stay linear,
 * so the figure per MB stays flat from 1 to 16 MB. The 1 MB row is compared with that old reader,
 * the larger ones (where it would take minutes to hours) with the floor: yaml.parse alone.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Bench, type BenchRow, compareRow } from './harness.ts';

/** One mapping of junk keys, `mb` MiB of it, after the apiVersion. */
function junkFile(dir: string, mb: number): string {
  const file = join(dir, `junk-keys-${mb}mb.yaml`);
  const lines = ['apiVersion: citycloud/v1'];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const line = `junk${i}: ${i}`;
    lines.push(line);
    size += line.length + 1;
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function readerBench(workDir: string): Bench {
  return {
    name: 'read',
    run: async (log) => {
      const rows: BenchRow[] = [];
      let perMb1 = 0;
      for (const mb of [1, 4, 16]) {
        const file = junkFile(workDir, mb);
        const [warmups, runs] = mb === 1 ? ['1', '5'] : mb === 4 ? ['0', '3'] : ['0', '1'];
        const peer = mb === 1 ? 'naive' : 'floor';
        log(`read:keys-${mb}mb: reading one mapping of junk keys, then the ${peer}…`);
        const { row } = compareRow(
          `read:keys-${mb}mb`,
          mb === 1
            ? 'yaml parseDocument with its duplicate-key check (the old reader)'
            : 'yaml.parse, no duplicate-key check (floor)',
          './reader-worker.ts',
          ['ours', file, warmups, runs],
          // the old reader takes half a minute for 1 MB: one run is enough to see it
          peer === 'naive' ? [peer, file, '0', '1'] : [peer, file, warmups, runs],
        );
        const perMb = row.value / mb;
        if (mb === 1) perMb1 = perMb;
        rows.push({
          ...row,
          note: `${perMb.toFixed(0)} ms per MB${mb === 1 ? '' : ` (${(perMb / perMb1).toFixed(2)}x the 1 MB rate)`}`,
          ...(mb === 1 ? {} : { target: 'linear: ≤ 2x the 1 MB rate per MB', met: perMb <= 2 * perMb1 }),
        });
      }
      return rows;
    },
  };
}
