/**
 * Rows synth:1x, synth:10x and synth:incremental-10x: the whole of `citycloud synth` (every view,
 * the off-site stack checked on its worker thread) against the naive cdktf app that makes the same
 * Terraform resources; and, with the cache of a synth of the 10x city, the synth after one server
 * is added, checked byte for byte against a full synth of the same inventory.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { benchCities, withOneServer } from './cities.ts';
import { type Bench, type BenchRow, type Measurement, runWorker } from './harness.ts';

interface SynthMeasurement extends Measurement {
  readonly resources: number;
  readonly offsiteMs?: number;
}

const WORKER = './synth-worker.ts';
const run = (args: readonly string[]) => runWorker(WORKER, args) as SynthMeasurement;

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    if (statSync(join(dir, f)).isFile()) out.set(f, readFileSync(join(dir, f)));
  return out;
}

function sameFiles(a: string, b: string): boolean {
  const x = filesOf(a);
  const y = filesOf(b);
  return x.size === y.size && [...x].every(([f, bytes]) => y.get(f)?.equals(bytes) === true);
}

/** A row of ours against the naive cdktf app. */
const row = (name: string, ours: SynthMeasurement, peer: SynthMeasurement): BenchRow => ({
  name,
  unit: 'ms',
  value: ours.medianMs,
  peer: 'naive cdktf app, same resources',
  peerValue: peer.medianMs,
  ratio: ours.medianMs / peer.medianMs,
  peakRssMB: ours.peakRssMB,
  peerPeakRssMB: peer.peakRssMB,
});

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function synthBench(workDir: string): Bench {
  return {
    name: 'synth',
    run: async (log) => {
      const rows: BenchRow[] = [];
      const out = (name: string) => {
        const dir = join(workDir, `synth-${name}`);
        rmSync(dir, { recursive: true, force: true });
        return dir;
      };
      const cities = benchCities(workDir);
      for (const { scale, file } of cities) {
        log(`synth:${scale}: the full synth (no cache), then the naive cdktf app…`);
        const ours = run(['ours', file, '-', out(`ours-${scale}`)]);
        const peer = run(['peer', file, '-', out(`peer-${scale}`)]);
        rows.push({
          ...row(`synth:${scale}`, ours, peer),
          target: 'ratio ≤ 1.0',
          met: ours.medianMs <= peer.medianMs,
          note: `${ours.resources.toLocaleString('en-US')} Terraform resources (peer ${peer.resources.toLocaleString('en-US')}); off-site stack ${secs(ours.offsiteMs ?? 0)} on the worker thread`,
        });
      }
      const tenX = cities.find((c) => c.scale === '10x')?.file as string;
      const cache = join(workDir, 'synth-cache');
      rmSync(cache, { recursive: true, force: true });
      log('synth:incremental-10x: a synth of the 10x city to fill the cache (not timed)…');
      run(['ours', tenX, cache, out('base-10x')]);
      const added = withOneServer(tenX, join(workDir, 'city-10x-plus-server'));
      log(
        'synth:incremental-10x: the synth after adding a server, the naive app on it, and a full synth to compare…',
      );
      const ours = run(['ours', added, cache, out('incremental-10x')]);
      const peer = run(['peer', added, '-', out('peer-incremental-10x')]);
      run(['ours', added, '-', out('full-10x')]);
      const identical = sameFiles(join(workDir, 'synth-incremental-10x'), join(workDir, 'synth-full-10x'));
      rows.push({
        ...row('synth:incremental-10x', ours, peer),
        target: '< 2 s, same bytes as a full synth',
        met: ours.medianMs < 2000 && identical,
        note: `one server added; ${identical ? 'byte-identical' : 'DIFFERENT'} to a full synth`,
      });
      return rows;
    },
  };
}
