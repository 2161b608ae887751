/**
 * `citycloud synth --watch`: synthesize, then again each time an inventory file changes, in the
 * same process. The cache's entries stay in memory and the code stays compiled, so the change of
 * one server or one ward is written about a second after the file is saved, even on the 10x city.
 * A run that finds problems says so and leaves out/ as it was; the watch goes on until Ctrl-C
 * (or SIGTERM), which lets a running synth finish and exits 0. Changes to citycloud's own code
 * need a restart: the process keeps the code it started with.
 */
import { type FSWatcher, watch } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatInputProblem, InventoryInputError } from '../../model/index.ts';
import { OutFolderError } from '../../synth/out-folder.ts';
import { warmViews } from '../../synth/synth.ts';
import { SynthCache } from '../../synth/synth-cache.ts';
import { shown } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { type SynthCommandOptions, synthOnce } from './synth-once.ts';

/** Editors save in bursts (write, rename, chmod): one run for a burst. */
export const SETTLE_MS = 50;

/** The files of the last run, watched through their folders (an editor may replace a file). */
class FolderWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private files = new Set<string>();

  constructor(private readonly changed: (file: string) => void) {}

  get count(): number {
    return this.files.size;
  }

  set(files: Iterable<string>): void {
    this.files = new Set(files);
    const folders = new Set([...this.files].map((f) => dirname(f)));
    for (const [folder, watcher] of this.watchers)
      if (!folders.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, (_event, name) => {
          // no name: the platform did not say which file; any of ours may have changed
          const file = name ? join(folder, name.toString()) : null;
          if (file === null || this.files.has(file)) this.changed(file ?? folder);
        });
        watcher.on('error', () => this.forget(folder));
        this.watchers.set(folder, watcher);
      } catch {
        // a folder that is gone: the next run reports the missing file, and watches what it read
      }
    }
  }

  private forget(folder: string): void {
    this.watchers.get(folder)?.close();
    this.watchers.delete(folder);
  }

  close(): void {
    for (const folder of [...this.watchers.keys()]) this.forget(folder);
  }
}

/** The files named by the problems of an inventory that could not be read. */
const filesOf = (err: InventoryInputError) => err.problems.map((p) => resolve(p.file));

export async function watchSynth(opts: SynthCommandOptions): Promise<number> {
  const cache = opts.cache ? new SynthCache(opts.cache, { inMemory: true }) : undefined;
  const root = resolve(opts.inventory);
  let watched: readonly string[] = [root];
  let changed: string | null = null;
  /** A change settled while a synth was running: run again without waiting. */
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let stopping = false;

  const folders = new FolderWatch((file) => {
    changed = file;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      dirty = true;
      wake?.();
    }, SETTLE_MS);
  });
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  let warmed = false;
  try {
    for (;;) {
      try {
        const run = await synthOnce(opts, cache);
        watched = run.inventoryFiles;
        // the first synth may have come whole from the cache: load and compile the renderers now,
        // while nobody waits, rather than at the first save
        if (!warmed && run.model) {
          await warmViews(run.model);
          warmed = true;
        }
      } catch (err) {
        // the inventory or out/ cannot be used as it is now: say why, and wait for the next save
        if (err instanceof InventoryInputError) {
          for (const p of err.problems) console.log(formatInputProblem(p));
          console.log(`✗ ${shown(opts.inventory)}: nothing synthesized, ${opts.out} left as it was`);
          watched = [...new Set([root, ...watched, ...filesOf(err)])];
        } else if (err instanceof OutFolderError) console.log(`✗ ${err.message}`);
        else throw err;
      }
      cache?.forgetUnused();
      folders.set(watched);
      if (stopping) break;
      console.log(`· watching ${folders.count} inventory file(s) for changes; Ctrl-C stops`);
      if (!dirty)
        await new Promise<void>((r) => {
          wake = r;
        });
      wake = null;
      dirty = false;
      if (stopping) break;
      console.log(`↻ ${shown(changed ?? root)} changed: synthesizing again`);
    }
  } finally {
    if (timer) clearTimeout(timer);
    folders.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return EXIT.ok;
}
