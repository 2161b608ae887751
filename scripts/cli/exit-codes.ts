import type { ExitCode } from '../../model/index.ts';

/** Exit codes of every citycloud command; each error class says its own (model/user-error.ts). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The command ran and found problems: findings, a failed gate, a diff over --fail-on. */
  problems: 1,
  /** Bad usage or unreadable input. */
  usage: 2,
  /**
   * A tool the command needs is missing: an executor's kubectl or ssh (sysexits' EX_UNAVAILABLE).
   */
  unavailable: 69,
  /**
   * A runbook stopped and can be resumed, or could not start for now: outside its maintenance
   * window, its gates unanswerable past --gate-timeout, interrupted, its run store unreachable or
   * its journal no longer writable (sysexits' EX_TEMPFAIL: try again later).
   */
  paused: 75,
  /** An internal error: a bug in citycloud, not a problem of the input (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const satisfies Record<string, 0 | ExitCode>;
