/**
 * The `$` a runbook's step runs commands with: zx's, so every interpolated argument is quoted by
 * zx (a target named `a; touch /tmp/x` is one argument, never a second command) and no shell
 * string is built by hand. Each command line is journaled before it runs (its secrets hidden in
 * the arguments before zx quotes them, so a quoted secret is hidden too), shown on the target's
 * line with its output's last line once it ends (hidden in the whole output, so a secret of
 * several lines is hidden too), and a non-zero exit fails the step with the
 * command and the last lines of its stderr, secrets hidden. A dry run's `$` prints the command
 * line and runs nothing. zx's settings are pinned: the environment (ZX_SHELL, ZX_PREFIX, …)
 * changes nothing that runs.
 */
import { ProcessOutput, quote, $ as zx } from 'zx';

/** A step's `$`: a tagged template, `await $\`kubectl drain ${node}\``. */
export type StepShell = (pieces: TemplateStringsArray, ...args: unknown[]) => Promise<ProcessOutput>;

export interface ShellSettings {
  /** Journals a command line (its secrets hidden) before it runs. */
  journal(command: string): Promise<void>;
  /** Replaces every secret's value by a placeholder. */
  redact(text: string): string;
  /** The target's line in the progress display. */
  update(text: string): void;
  readonly cwd?: string;
  /** A non-zero exit is returned, not thrown (a `done` check reading the target). */
  readonly nothrow?: boolean;
}

/** The last `n` non-empty lines of a command's output, for a one-line failure. */
const lastLines = (text: string, n = 3) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');

class CommandFailed extends Error {}

/** zx's settings, whatever the environment says: bash (zx's quoting is bash's), nothing around. */
const PINNED = {
  halt: true,
  quiet: true,
  nothrow: true,
  verbose: false,
  shell: '/bin/bash',
  prefix: 'set -euo pipefail;',
  postfix: '',
  quote,
  preferLocal: false,
} as const;

/** An argument as shown: its secrets hidden before zx quotes it (a quoted secret reads otherwise). */
const hidden = (redact: (t: string) => string, arg: unknown): unknown =>
  Array.isArray(arg) ? arg.map((a) => hidden(redact, a)) : redact(String(arg));

/** The command line as shown and journaled: quoted by zx from arguments whose secrets are hidden. */
const shownLine = (redact: (t: string) => string, pieces: TemplateStringsArray, args: readonly unknown[]) =>
  redact(zx(PINNED)(pieces, ...args.map((a) => hidden(redact, a))).cmd);

export function stepShell(settings: ShellSettings): StepShell {
  return async (pieces, ...args) => {
    // no abort signal: a command under way finishes when the run is interrupted, as a step does
    const p = zx({ ...PINNED, ...(settings.cwd ? { cwd: settings.cwd } : {}) })(pieces, ...args);
    const shown = shownLine(settings.redact, pieces, args);
    await settings.journal(shown);
    settings.update(`$ ${shown}`);
    p.run();
    const out = await p;
    // its output shown once whole: a secret (of several lines, too) is hidden only in the whole
    const last = lastLines(settings.redact(out.stdout), 1);
    if (last) settings.update(`$ ${shown}: ${last}`);
    if (out.exitCode !== 0 && !settings.nothrow) {
      const stderr = lastLines(settings.redact(out.stderr));
      throw new CommandFailed(
        `${shown} ${out.exitCode === null ? `was killed (${out.signal})` : `exited ${out.exitCode}`}${stderr ? `: ${stderr}` : ''}`,
      );
    }
    return out;
  };
}

/**
 * A dry run's `$`: says each command line as it would run (quoted by zx, secrets hidden) and
 * runs nothing; what it returns is an empty, successful output.
 */
export function dryRunShell(
  settings: Pick<ShellSettings, 'redact'> & { say(command: string): void },
): StepShell {
  return async (pieces, ...args) => {
    settings.say(shownLine(settings.redact, pieces, args));
    // a halted process is never started: nothing runs
    return new ProcessOutput(0, null, '', '', '', '');
  };
}
