/** `citycloud synth`: validate, run every view, write out/ atomically, print what was written. */
import { Option } from 'commander';
import { SynthCache } from '../../synth/synth-cache.ts';
import type { CommandModule } from '../cli/command-module.ts';
import { DEFAULT_CACHE_DIR, DEFAULT_OUT } from '../cli/defaults.ts';
import { exitOnInterrupt } from '../cli/interrupt.ts';
import { withInventory } from '../cli/options.ts';
import { type SynthCommandOptions, synthOnce } from './synth-once.ts';
import { watchSynth } from './synth-watch.ts';

export async function runSynth(opts: SynthCommandOptions): Promise<number> {
  const release = exitOnInterrupt((signal) =>
    console.error(
      `citycloud: ${signal}: stopped; ${opts.out} is whole (the previous output, or the new one if it was written)`,
    ),
  );
  try {
    return (await synthOnce(opts, opts.cache ? new SynthCache(opts.cache) : undefined)).code;
  } finally {
    release();
  }
}

export const command: CommandModule = {
  register: (cli) =>
    withInventory(
      cli
        .command('synth')
        .description('validate and synthesize every artifact into the output folder, atomically'),
    )
      .option('-o, --out <dir>', 'output folder, replaced as a whole', DEFAULT_OUT)
      .option('--json', 'print the manifest as JSON instead of the summary')
      .option(
        '--cache <dir>',
        'reuse stack parts and views whose slice of the model is unchanged, kept here',
        DEFAULT_CACHE_DIR,
      )
      .option('--no-cache', 'render every stack part afresh')
      .option('-v, --verbose', 'say what each stack rendered and what came from the cache')
      .addOption(
        new Option(
          '-w, --watch',
          'synthesize again each time an inventory file changes (Ctrl-C stops)',
        ).conflicts('json'),
      )
      .addHelpText('after', '\nExamples:\n  citycloud synth --out out/\n  citycloud synth --watch -v')
      .action(async (opts: SynthCommandOptions & { watch?: boolean }) => {
        // trailing slashes dropped, but "/" stays "/" (and is refused), never the current folder
        const o = { ...opts, out: opts.out.replace(/(.)\/+$/, '$1') };
        process.exitCode = opts.watch ? await watchSynth(o) : await runSynth(o);
      }),
};
