/**
 * One citycloud command. Every module of scripts/commands/ that exports `command` is one: the
 * command line (scripts/citycloud.ts) finds it there and adds it, so adding a command is adding
 * its module (and its row in the README, which test/scripts/commands.test.ts holds to it).
 */
import type { Command } from 'commander';

export interface CommandModule {
  /**
   * The command it goes under, as typed (`runbook`, `runbook upgrade`); the program itself when
   * absent. That command's own module adds it.
   */
  readonly under?: string;
  /**
   * Adds the command to `parent` — its name, arguments, options with their parsers, help,
   * examples and action — and returns it (commands under it are added to what it returns).
   */
  readonly register: (parent: Command) => Command;
}
