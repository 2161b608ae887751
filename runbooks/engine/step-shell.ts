/**
 * The `$` a runbook's step runs commands with: zx's, so every interpolated argument is quoted by
 * zx (a target named `a; touch /tmp/x` is one argument, never a second command) and no shell
 * string is built by hand. Each command line is journaled before it runs (secrets redacted),
 * shown on the target's line with its output's last line as it comes, and a non-zero exit fails
 * the step with the command and the last lines of its stderr. A dry run's `$` prints the command
 * line and runs nothing.
 */
import { ProcessOutput, $ as zx } from 'zx';

/** A step's `$`: a tagged template, `await $\`kubectl drain ${node}\``. */
export type StepShell = (pieces: TemplateStringsArray, ...args: unknown[]) => Promise<ProcessOutput>;

export interface ShellSettings {
  /** Journals a command line (already redacted) before it runs. */
  journal(command: string): Promise<void>;
  /** Replaces every secret's value by a placeholder. */
  redact(text: string): string;
  /** The target's line in the progress display. */
  update(text: string): void;
  readonly signal?: AbortSignal;
  readonly cwd?: string;
}

/** The last `n` non-empty lines of a command's output, for a one-line failure. */
const lastLines = (text: string, n = 3) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');

export class CommandFailed extends Error {}

export function stepShell(settings: ShellSettings): StepShell {
  return async (pieces, ...args) => {
    const p = zx({
      halt: true,
      quiet: true,
      nothrow: true,
      verbose: false,
      ...(settings.signal ? { signal: settings.signal } : {}),
      ...(settings.cwd ? { cwd: settings.cwd } : {}),
    })(pieces, ...args);
    const shown = settings.redact(p.cmd);
    await settings.journal(shown);
    settings.update(`$ ${shown}`);
    p.run();
    p.stdout.on('data', (chunk: Buffer) => {
      const line = lastLines(settings.redact(chunk.toString('utf8')), 1);
      if (line) settings.update(`$ ${shown}: ${line}`);
    });
    const out = await p;
    if (out.exitCode !== 0)
      throw new CommandFailed(
        `${shown} ${out.exitCode === null ? `was killed (${out.signal})` : `exited ${out.exitCode}`}${out.stderr.trim() ? `: ${settings.redact(lastLines(out.stderr))}` : ''}`,
      );
    return out;
  };
}

/**
 * A dry run's `$`: says each command line as it would run (quoted by zx, secrets redacted) and
 * runs nothing; what it returns is an empty, successful output.
 */
export function dryRunShell(
  settings: Pick<ShellSettings, 'redact'> & { say(command: string): void },
): StepShell {
  return async (pieces, ...args) => {
    const p = zx({ halt: true, quiet: true })(pieces, ...args);
    settings.say(settings.redact(p.cmd));
    // a halted process is never started: nothing runs
    return new ProcessOutput(0, null, '', '', '', '');
  };
}
