/**
 * How a drill runs pg_amcheck on a restored copy, in either executor: every database, every
 * table's pages and every B-tree index (the amcheck extension installed in the copy where it is
 * missing), and what it found, a line each.
 */
import type { Ran } from '../../exec/run-argv.ts';

/** pg_amcheck's arguments after its connection's. */
export const AMCHECK_ARGS = ['--all', '--install-missing'] as const;

/**
 * What pg_amcheck found: exit 0, nothing; exit 2, corruption, at most a dozen lines of it; any
 * other exit is pg_amcheck failing to check (a lost connection, a second check beside it), which
 * is no verdict on the copy.
 */
export function amcheckFindings(r: Ran): { readonly corruption: string[]; readonly failed: string | null } {
  const lines = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (r.code === 0) return { corruption: [], failed: null };
  if (r.code === 2) return { corruption: lines.slice(0, 12), failed: null };
  return { corruption: [], failed: `exit ${r.code}: ${lines.slice(-2).join(' / ') || 'no message'}` };
}
