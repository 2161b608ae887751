/** Who runs and who approves a runbook, as given on the command line (--operator, --approved-by). */
import { hostname, userInfo } from 'node:os';
import type { Actor } from '../../../runbooks/engine/journal-records.ts';
import { RunbookUsageError } from './run-store.ts';

/**
 * A person's name as given: one to 64 visible characters, no control, format or invisible
 * character (a zero-width space would make `alice` another name).
 */
export function personName(name: string, option: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > 64 || /[\p{C}\p{Default_Ignorable_Code_Point}]/u.test(n))
    throw new RunbookUsageError(
      `${option} must be a person's name: 1 to 64 visible characters, none of them control, format or invisible`,
    );
  return n;
}

/** The operator (--operator, else the user's login) on this host, as journaled. */
export const actor = (operator?: string): Actor => ({
  user: personName(operator ?? userInfo().username, '--operator'),
  host: hostname(),
  pid: process.pid,
});
