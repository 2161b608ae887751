/**
 * How a drill runs pg_amcheck on a restored copy, in either executor: every database, every
 * table's pages and every B-tree index (the amcheck extension installed in the copy where it is
 * missing), and what it found, a line each.
 */
import type { Ran } from '../../exec/run-argv.ts';

/** pg_amcheck's arguments after its connection's. */
export const AMCHECK_ARGS = ['--all', '--install-missing'] as const;

/** What pg_amcheck found, at most a dozen lines; none when it passed. */
export const amcheckFindings = (r: Ran): string[] =>
  r.code === 0
    ? []
    : `${r.stdout}\n${r.stderr}`
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 12);
