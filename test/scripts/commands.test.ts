/**
 * A command is one module of scripts/commands/: the program finds it there and adds it under the
 * command it names; nothing else names it but the README's table of commands, held here to the
 * commands the program really has. Checked on a copy of the command line with one file added.
 */
// integration: runs the command line of a copy of the checkout with a command added

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../../scripts/cli/program.ts';
import { ROOT, tempDir } from '../helpers/city.ts';

/** Every command of the program, as typed after `citycloud`, with whether it has subcommands. */
function commandsOf(c: Command, prefix = ''): { path: string; leaf: boolean }[] {
  return c.commands
    .filter((sub) => sub.name() !== 'help')
    .flatMap((sub) => {
      const path = `${prefix}${sub.name()}`;
      return [{ path, leaf: sub.commands.length === 0 }, ...commandsOf(sub, `${path} `)];
    });
}

/** The commands the README's table of commands names. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^\| `citycloud ([a-z -]+)` \| [^|]+ \|$/gm)].map((m) => m[1] as string);
}

describe('the commands', () => {
  it('are the README table’s: every command that runs is a row, every row a command', async () => {
    const commands = commandsOf(await program());
    const rows = readmeCommands();
    expect(rows.length).toBeGreaterThan(10);
    const paths = new Set(commands.map((c) => c.path));
    for (const row of rows) expect(paths, `README row citycloud ${row}`).toContain(row);
    for (const c of commands.filter((x) => x.leaf)) expect(rows, `command ${c.path}`).toContain(c.path);
  });

  it('are named by no file but their own module: the program and the entry only assemble them', () => {
    for (const file of ['scripts/citycloud.ts', 'scripts/cli/program.ts']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/from '\.{1,2}\/commands\//);
      expect(text, file).not.toMatch(/\.command\('/);
    }
  });

  it('parse numbers and durations only through scripts/cli/parsers.ts', () => {
    const dir = join(ROOT, 'scripts');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const parsing = files.filter((f) =>
      /new InvalidArgumentError|\bparseInt\(|\bparseFloat\(/.test(readFileSync(join(dir, f), 'utf8')),
    );
    expect(parsing).toEqual(['cli/parsers.ts']);
  });
});

describe('a command added', () => {
  /**
   * A copy of the command line (scripts/, bin/, and synth/ for the project's root), the other
   * folders linked: a module written into its scripts/commands/ is the only change.
   */
  function copyWith(modules: Record<string, string>): string {
    const root = tempDir('citycloud-commands-');
    for (const entry of readdirSync(ROOT, { withFileTypes: true })) {
      if (/^(\.|dist$|out$|test$)/.test(entry.name)) continue;
      const from = join(ROOT, entry.name);
      if (['scripts', 'bin', 'synth', 'package.json'].includes(entry.name))
        cpSync(from, join(root, entry.name), { recursive: true });
      else symlinkSync(from, join(root, entry.name));
    }
    for (const [file, text] of Object.entries(modules)) {
      mkdirSync(join(root, 'scripts/commands', file, '..'), { recursive: true });
      writeFileSync(join(root, 'scripts/commands', file), text);
    }
    return root;
  }
  const run = (root: string, args: string[]) => {
    const r = spawnSync(process.execPath, [join(root, 'bin/citycloud.mjs'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  /** A command module at scripts/commands/`file`, going under `under`. */
  const module = (file: string, under: string | undefined, name: string) => {
    const up = '../'.repeat(file.split('/').length);
    return `
import type { CommandModule } from '${up}cli/command-module.ts';
import { wholeNumber } from '${up}cli/parsers.ts';
export const command: CommandModule = {
  ${under ? `under: '${under}',` : ''}
  register: (parent) =>
    parent
      .command('${name}')
      .description('says hello')
      .option('--times <n>', 'how often', wholeNumber('a whole number', 1, 3), 1)
      .action((opts: { times: number }) => {
        console.log('hello '.repeat(opts.times).trim());
      }),
};
`;
  };
  const modules = (...specs: [file: string, under: string | undefined, name: string][]) =>
    Object.fromEntries(specs.map(([file, under, name]) => [file, module(file, under, name)]));

  it('is its module alone: it runs, parses its options and shows in its parent’s help', () => {
    const root = copyWith(
      modules(['greet.ts', undefined, 'greet'], ['runbook/drill.ts', 'runbook', 'drill']),
    );
    expect(run(root, ['greet', '--times', '2'])).toMatchObject({ code: 0, out: 'hello hello\n' });
    expect(run(root, ['runbook', 'drill'])).toMatchObject({ code: 0, out: 'hello\n' });
    expect(run(root, ['--help']).out).toMatch(/^ {2}greet \[options\] +says hello$/m);
    expect(run(root, ['runbook', '--help']).out).toMatch(/^ {2}drill \[options\] +says hello$/m);
    const bad = run(root, ['greet', '--times', '4']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("argument '4' is invalid. expected a whole number from 1 to 3");
  });

  it('under a command that does not exist is a bug of the module, said with its file (exit 70)', () => {
    const root = copyWith(modules(['lost.ts', 'nosuch', 'lost']));
    const r = run(root, ['validate']);
    expect(r.code).toBe(70);
    expect(r.err).toContain('scripts/commands/lost.ts: no command "nosuch" to go under');
  });
});
