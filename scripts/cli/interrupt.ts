/**
 * Ctrl-C and SIGTERM for a command that writes: with a handler installed, Node delivers a signal
 * between two steps of the event loop instead of killing the process where it stands, so a
 * synchronous replacement of out/ (synth/atomic-folder.ts) always finishes or never starts.
 * The command then ends with the shell's code for the signal, 128 + its number.
 */
import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's exit code for a process ended by `signal`: 130 for SIGINT, 143 for SIGTERM. */
export const signalExitCode = (signal: StopSignal): number => 128 + constants.signals[signal];

/** Ends the process on SIGINT/SIGTERM after `say(signal)`, between steps; returns what removes the handlers. */
export function exitOnInterrupt(say: (signal: StopSignal) => void): () => void {
  const handler = (signal: StopSignal) => {
    say(signal);
    process.exit(signalExitCode(signal));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Ends the process on SIGINT/SIGTERM once `stop(signal)` has settled (it may wait, bounded, for a
 * child it stops), printing the line it returns; returns what removes the handlers. A second
 * signal while it runs is ignored, so pressing Ctrl-C again does not cut a cleanup short.
 */
export function exitOnInterruptAfter(stop: (signal: StopSignal) => Promise<string>): () => void {
  let stopping = false;
  const handler = (signal: StopSignal) => {
    if (stopping) return;
    stopping = true;
    stop(signal)
      .then(
        (line) => console.error(line),
        (err: unknown) =>
          console.error(
            `citycloud: ${signal}: stopped, but cleaning up failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`,
          ),
      )
      .finally(() => process.exit(signalExitCode(signal)));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
