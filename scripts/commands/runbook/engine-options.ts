/**
 * The options of every run of the runbook engine, worded once: who runs it, how many failures it
 * tolerates, how long the gates may take, how many at once, the window, JSON. The upgrade
 * (upgrade-execution.ts) and an own runbook (spec-execution.ts) add their own.
 */
import type { Command } from 'commander';
import { withPrometheus } from '../../cli/options.ts';
import { wholeNumber } from '../../cli/parsers.ts';
import { withStoreOptions } from './run-store.ts';

const seconds = (min: number, max: number) => wholeNumber('seconds', min, max);
const count = (min: number, max: number) => wholeNumber('a whole number', min, max);

/** `noun`: what the run acts on, in the help (`servers`); `concurrency`: its default. */
export const withEngineOptions = (c: Command, noun: string, concurrency: number): Command =>
  withPrometheus(withStoreOptions(c), 'the gates ask')
    .option('--operator <name>', 'who runs it (default: your user name)')
    .option('--max-failures <n>', `abort when more ${noun} than this fail`, count(0, 100_000), 0)
    .option(
      '--gate-settle <seconds>',
      'how long failing gates may take to pass after a wave',
      seconds(0, 3600),
      120,
    )
    .option(
      '--gate-timeout <seconds>',
      'how long gates may stay unanswerable (Prometheus down) before the run stops, resumable',
      seconds(1, 86_400),
      900,
    )
    .option('--concurrency <n>', `${noun} acted on at once within a wave`, count(1, 1000), concurrency)
    .option(
      '--exit-outside-window',
      'outside the maintenance window, stop (resumable, exit 75) instead of waiting',
    )
    .option('--json', 'print the summary as JSON (progress goes to stderr)');
