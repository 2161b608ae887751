/**
 * The errors a user sees: each class says, beside itself, the exit code the README gives it, so
 * the command line needs no list of classes and a new error cannot get the wrong code
 * (test/scripts/exit-codes.test.ts holds the README's table to the classes).
 */

/**
 * 1 the command ran and found problems; 2 bad usage or unreadable input; 69 a tool it needs is
 * missing; 70 a bug in citycloud; 75 stopped for now, to be resumed or retried (DESIGN.md's
 * command-line contract, and sysexits' EX_UNAVAILABLE, EX_SOFTWARE, EX_TEMPFAIL).
 */
export type ExitCode = 1 | 2 | 69 | 70 | 75;

/** An error whose message is the one line the user reads, and which ends the command with `exitCode`. */
export abstract class UserError extends Error {
  abstract readonly exitCode: ExitCode;

  constructor(message: string) {
    super(message);
    // each class's own name, as a stack trace or a worker's reply shows it
    this.name = new.target.name;
  }
}
