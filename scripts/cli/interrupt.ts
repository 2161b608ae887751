/**
 * Ctrl-C and SIGTERM for a command that writes: with a handler installed, Node delivers a signal
 * between two steps of the event loop instead of killing the process where it stands, so a
 * synchronous replacement of out/ (synth/atomic-folder.ts) always finishes or never starts.
 * The command then ends with the shell's code for the signal, 128 + its number.
 */
import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Ends the process on SIGINT/SIGTERM after `say(signal)`, between steps; returns what removes the handlers. */
export function exitOnInterrupt(say: (signal: StopSignal) => void): () => void {
  const handler = (signal: StopSignal) => {
    say(signal);
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
