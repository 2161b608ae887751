/** Exit codes of every citycloud command (DESIGN.md, command-line contract). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The command ran and found problems: findings, a failed gate, a diff over --fail-on. */
  problems: 1,
  /** Bad usage or unreadable input. */
  usage: 2,
  /**
   * A runbook stopped and can be resumed: outside its maintenance window, its gates unanswerable
   * past --gate-timeout, or interrupted (sysexits' EX_TEMPFAIL: try again later).
   */
  paused: 75,
  /** An internal error: a bug in citycloud, not a problem of the input (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const;
