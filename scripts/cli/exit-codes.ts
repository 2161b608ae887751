/** Exit codes of every citycloud command (DESIGN.md, command-line contract). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The command ran and found problems: findings, a failed gate, a diff over --fail-on. */
  problems: 1,
  /** Bad usage or unreadable input. */
  usage: 2,
  /** An internal error: a bug in citycloud, not a problem of the input (sysexits' EX_SOFTWARE). */
  internal: 70,
} as const;
