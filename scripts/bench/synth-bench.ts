/**
 * Rows synth:1x, synth:10x, synth:30x and synth:incremental-10x: the whole of `citycloud synth` (every view,
 * the off-site stack checked on its worker thread) against the naive cdktf app that makes the same
 * Terraform resources; and, with the cache of a synth of the 10x city, the synth after one server
 * is added, checked byte for byte against a full synth of the same inventory. Row synth:watch-10x:
 * `synth --watch` on the 10x city, from saving an edit (a server, then a ward) to out/ written.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchCities, thirtyXCity, withOneServer, withOneWard } from './cities.ts';
import { type Bench, type BenchRow, buildWorkers, type Measurement, runWorker } from './harness.ts';
import { timeWatchedEdits } from './watched-edits.ts';

interface SynthMeasurement extends Measurement {
  readonly resources: number;
  readonly offsiteMs?: number;
}

/** The worker, compiled as the command line is (both sides run compiled code); see run(). */
let worker = '';
const run = (args: readonly string[]) => runWorker(worker, args) as SynthMeasurement;

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

/** What the peer does: what a user without citycloud would run for the same artifacts. */
const PEER = 'naive cdktf app, then AWS CDK app with cdk-nag and validation';

/** A row of ours against the peer. */
const row = (name: string, ours: SynthMeasurement, peer: SynthMeasurement): BenchRow => ({
  name,
  unit: 'ms',
  value: ours.medianMs,
  peer: PEER,
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
      const build = join(workDir, 'build-synth');
      buildWorkers(build, {
        'synth-worker': 'scripts/bench/synth-worker.ts',
        // the off-site thread's job, beside the bundle as in dist/
        'offsite-job': 'stacks/offsite/offsite-job.ts',
      });
      worker = join(build, 'synth-worker.mjs');
      const rows: BenchRow[] = [];
      const out = (name: string) => {
        const dir = join(workDir, `synth-${name}`);
        rmSync(dir, { recursive: true, force: true });
        return dir;
      };
      const cities = benchCities(workDir);
      log('synth:30x: writing the 30x city (not timed)…');
      for (const { scale, file } of [...cities, { scale: '30x', file: thirtyXCity(workDir) }]) {
        log(`synth:${scale}: the full synth (no cache), then the peer (cdktf app, then AWS CDK app)…`);
        const ours = run(['ours', file, '-', out(`ours-${scale}`)]);
        const peer = run(['peer', file, '-', out(`peer-${scale}`)]);
        rows.push({
          ...row(`synth:${scale}`, ours, peer),
          // the issue's targets: the whole synth no slower than the two apps at 1x, 30% faster at scale
          target: scale === '1x' ? 'ratio ≤ 1.0' : 'ratio ≤ 0.7',
          met: ours.medianMs <= (scale === '1x' ? 1 : 0.7) * peer.medianMs,
          note: `${ours.resources.toLocaleString('en-US')} Terraform resources (peer ${peer.resources.toLocaleString('en-US')}); off-site stack ${secs(ours.offsiteMs ?? 0)} on the worker thread, ${secs(peer.offsiteMs ?? 0)} in the peer`,
        });
      }
      const tenX = cities.find((c) => c.scale === '10x')?.file as string;
      const cache = join(workDir, 'synth-cache');
      rmSync(cache, { recursive: true, force: true });
      log('synth:incremental-10x: a synth of the 10x city to fill the cache (not timed)…');
      run(['ours', tenX, cache, out('base-10x')]);
      // the watch starts from this same cache, not from what the incremental run adds to it
      const watchCache = join(workDir, 'synth-cache-watch');
      rmSync(watchCache, { recursive: true, force: true });
      cpSync(cache, watchCache, { recursive: true });
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
        note: `one server added; a new process with the cache; ${identical ? 'byte-identical' : 'DIFFERENT'} to a full synth`,
      });

      const ward = withOneWard(added, join(workDir, 'city-10x-plus-ward'));
      log(
        'synth:watch-10x: a full synth of the city with the server and a ward more, to compare (not timed)…',
      );
      run(['ours', ward, '-', out('full-ward-10x')]);
      log('synth:watch-10x: synth --watch on the 10x city, a server added, then a ward…');
      const same: string[] = [];
      const watched = await timeWatchedEdits(
        tenX,
        { copy: join(workDir, 'city-10x-watched'), out: out('watch-10x'), cache: watchCache },
        [
          // each with the full synth of the same inventory that out/ must equal after it
          { name: 'one server', from: dirname(added), files: ['datacentre.yaml'], full: 'synth-full-10x' },
          { name: 'one ward', from: dirname(ward), files: ['network.yaml'], full: 'synth-full-ward-10x' },
        ],
        (edit, written) => {
          if (sameFiles(written, join(workDir, edit.full))) same.push(edit.name);
        },
      );
      const [server, wardMs] = watched.ms as [number, number];
      const slowest = Math.max(server, wardMs);
      rows.push({
        name: 'synth:watch-10x',
        unit: 'ms',
        value: slowest,
        peer: PEER,
        peerValue: peer.medianMs,
        ratio: slowest / peer.medianMs,
        peakRssMB: watched.peakRssMB,
        peerPeakRssMB: peer.peakRssMB,
        target: '< 2 s from save to written, same bytes as a full synth',
        met: slowest < 2000 && same.length === 2,
        note: `synth --watch, save to out/ written: one server ${secs(server)}, then one ward ${secs(wardMs)}; ${same.length === 2 ? 'both byte-identical' : `DIFFERENT (identical: ${same.join(', ') || 'none'})`} to a full synth`,
      });
      return rows;
    },
  };
}
