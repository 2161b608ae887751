/**
 * The program: every module of scripts/commands/ that exports `command` (scripts/cli/command-module.ts)
 * is added, each under the command it names — nothing here names a command, so adding one is
 * adding its module (and its row in the README).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commandFiles } from '../../bin/current-build.mjs';
import { fromRoot, PROJECT_ROOT } from '../../synth/project-root.ts';
import type { CommandModule } from './command-module.ts';

const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as {
  version: string;
};

/** Every command module of scripts/commands/ (the files exporting `command`), with its file. */
async function commandModules(): Promise<(CommandModule & { file: string })[]> {
  const files = commandFiles(PROJECT_ROOT);
  // the suffix written out, so the bundle's glob is commands/**/*.ts: any other file there is not
  // code; vite (the tests) leaves the import to Node, whose loader takes any depth
  const modules = await Promise.all(
    files.map(
      (file) =>
        import(/* @vite-ignore */ `../commands/${file.slice(0, -'.ts'.length)}.ts`) as Promise<{
          command?: CommandModule;
        }>,
    ),
  );
  return files.flatMap((file, i) => {
    const { command } = modules[i] as { command?: CommandModule };
    return command ? [{ ...command, file }] : [];
  });
}

/**
 * The program: each command added under the one it names, parents first, in the order of their
 * files (sorted): help lists a command's subcommands alphabetically.
 */
export async function program(): Promise<Command> {
  const cli = new Command('citycloud')
    .description('Infrastructure as code and operations for a city government cloud')
    .version(pkg.version)
    .exitOverride()
    .showHelpAfterError('(run citycloud --help for usage)');
  const added = new Map<string, Command>([['', cli]]);
  const depth = (m: CommandModule) => (m.under ? m.under.split(' ').length : 0);
  for (const m of (await commandModules()).sort((a, b) => depth(a) - depth(b))) {
    const parent = added.get(m.under ?? '');
    if (!parent) throw new Error(`scripts/commands/${m.file}: no command "${m.under}" to go under`);
    const command = m.register(parent);
    added.set(m.under ? `${m.under} ${command.name()}` : command.name(), command);
  }
  return cli;
}
