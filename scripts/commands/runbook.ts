/** `citycloud runbook …`: the ops runbooks; each is a module of scripts/commands/runbook/. */
import type { CommandModule } from '../cli/command-module.ts';

export const command: CommandModule = {
  register: (cli) =>
    cli.command('runbook').description('the ops runbooks: rolling upgrade of the fleet, capacity review'),
};
