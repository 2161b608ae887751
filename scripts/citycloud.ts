/**
 * The citycloud command line: it runs the program the commands of scripts/commands/ make
 * (scripts/cli/program.ts) and turns errors into one line and an exit code — the error's own
 * (model/user-error.ts, the README's table), 2 for bad usage, 70 for a bug. A stack trace is
 * shown only with CITYCLOUD_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { redact } from '../exec/redact.ts';
import { formatInputProblem, InventoryInputError, UserError } from '../model/index.ts';
import { inert } from '../view/terminal.ts';
import { EXIT } from './cli/exit-codes.ts';
import { program } from './cli/program.ts';

async function main(argv: string[]): Promise<number> {
  try {
    await (await program()).parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed the message (or the help)
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof InventoryInputError) {
      for (const p of err.problems) console.error(inert(formatInputProblem(p)));
      return err.exitCode;
    }
    // every error a user should read says its own exit code (model/user-error.ts); a bug's is 70
    if (err instanceof UserError && err.exitCode !== EXIT.internal) {
      console.error(inert(err.message));
      return err.exitCode;
    }
    const e = err as Error;
    // one line, short, with no credential: an error of a library may quote whole inputs
    const message = redact(String(e?.message ?? err)).split('\n')[0] as string;
    console.error(
      inert(
        `citycloud: internal error (a bug in citycloud, not in your input): ${message.length > 300 ? `${message.slice(0, 300)}…` : message}; run again with CITYCLOUD_DEBUG=1 to see where, and report it`,
      ),
    );
    if (process.env.CITYCLOUD_DEBUG === '1') console.error(redact(String(e?.stack)));
    return EXIT.internal;
  }
}

// a reader that stops early (`citycloud validate | head`) closes the pipe: stop quietly
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw err;
});

process.exitCode = await main(process.argv);
