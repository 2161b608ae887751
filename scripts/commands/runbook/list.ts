/** `citycloud runbook list`: the runbooks there are — built in and the inventory's own — with their parameters. */

import { UserError } from '../../../model/index.ts';
import { loadRunbookFile, ownRunbooks } from '../../../runbooks/engine/load-runbook.ts';
import type { Runbook } from '../../../runbooks/engine/runbook-spec.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { withInventory } from '../../cli/options.ts';
import { show } from './run-store.ts';
import { BUILT_IN_RUNBOOKS } from './spec-execution.ts';

/** The built-in commands that are runbooks too, said first. */
const COMMANDS: readonly [string, string][] = [
  ['upgrade', 'a rolling OS upgrade by failure domain (citycloud runbook upgrade)'],
  ['capacity-review', 'the pools’ and warehouses’ capacity forecast (citycloud runbook capacity-review)'],
];

const describe = (spec: Runbook, where: string): string[] => [
  `${spec.name}  ${spec.description}  [${where}]`,
  ...Object.entries(spec.params ?? {}).map(
    ([name, p]) =>
      `    --param ${name}=${p.type ?? 'string'}${p.default === undefined ? ' (required)' : ` (default ${JSON.stringify(p.default)})`}${p.secret ? ' (secret)' : ''}: ${p.description}`,
  ),
];

export async function listRunbooks(opts: { inventory: string }): Promise<number> {
  for (const [name, what] of COMMANDS) show(`${name}  ${what}  [citycloud]`);
  for (const spec of BUILT_IN_RUNBOOKS.values()) show(describe(spec, 'built in').join('\n'));
  let broken = 0;
  for (const [, file] of ownRunbooks(opts.inventory)) {
    try {
      show(describe((await loadRunbookFile(file)).spec, file).join('\n'));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      broken++;
      console.error(err.message);
    }
  }
  return broken > 0 ? EXIT.usage : EXIT.ok;
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withInventory(
      runbook
        .command('list')
        .description('the runbooks there are, built in and the inventory’s own, with their parameters'),
    ).action(async (opts: { inventory: string }) => {
      process.exitCode = await listRunbooks(opts);
    }),
};
