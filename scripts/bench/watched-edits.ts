/**
 * Times `citycloud synth --watch` as an engineer meets it: the real command watching a copy of a
 * city, and for each edit the wall time from the moment the edited files are saved to the moment
 * the re-synthesized out/ is written (the watch's next "watching" line). After each edit a
 * callback may look at out/ before the next edit is saved.
 */
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromRoot } from '../../synth/project-root.ts';

const BIN = fromRoot('bin/citycloud.mjs');
const WATCHING = '· watching ';

export interface WatchedEdit {
  readonly name: string;
  /** The inventory folder whose files the edit saves over the watched copy. */
  readonly from: string;
  /** Files of that folder the edit saves (the ones that differ). */
  readonly files: readonly string[];
}

export interface WatchedEdits {
  /** Save to written, per edit, in ms. */
  readonly ms: readonly number[];
  /** The watching process's peak resident memory (VmHWM), MB. */
  readonly peakRssMB: number;
}

/** The peak resident memory of a running process, from /proc (Linux). */
function peakRssMB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function timeWatchedEdits<E extends WatchedEdit>(
  city: string,
  work: { copy: string; out: string; cache: string },
  edits: readonly E[],
  afterEach: (edit: E, out: string) => void,
): Promise<WatchedEdits> {
  rmSync(work.copy, { recursive: true, force: true });
  cpSync(dirname(city), work.copy, { recursive: true });
  const child = spawn(
    process.execPath,
    [BIN, 'synth', '--watch', '-i', join(work.copy, 'city.yaml'), '-o', work.out, '--cache', work.cache],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const seen = () => stdout.split(WATCHING).length - 1;
  const until = async (n: number) => {
    const deadline = Date.now() + 600_000;
    while (seen() < n) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`synth --watch stopped or stalled:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const ms: number[] = [];
  try {
    await until(1);
    for (const [i, edit] of edits.entries()) {
      await new Promise((r) => setTimeout(r, 500)); // a person between two saves
      const saved = performance.now();
      for (const f of edit.files) writeFileSync(join(work.copy, f), readFileSync(join(edit.from, f)));
      await until(i + 2);
      ms.push(performance.now() - saved);
      if (!stdout.includes('✓ synthesized', stdout.lastIndexOf('↻')))
        throw new Error(`synth --watch did not synthesize ${edit.name}:\n${stdout}`);
      afterEach(edit, work.out);
    }
    return { ms, peakRssMB: peakRssMB(child.pid as number) };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
  }
}
