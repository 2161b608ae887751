/**
 * What a restore drill compares between a warehouse shard and its restored copy, the same SQL on
 * both sides and in every executor: per database, per table, its row count and the MD5 of a
 * sample of its rows (about one in SAMPLE_EVERY, chosen by a hash of the row's own text, so the
 * same rows are chosen on both sides whatever their place on disk), and where the two differ.
 */

/** About one row in this many is in a table's sample. */
export const SAMPLE_EVERY = 100;

/** The databases a drill compares: every one that takes connections, templates left out. */
export const DATABASES_SQL =
  'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname';

/** A database's tables that hold rows (partitions themselves, not their parents), quoted. */
export const TABLES_SQL = `SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
  ORDER BY 1`;

/**
 * A table's row count, and its sample's size and MD5 (its rows' text in order), in one scan.
 * `table` is a name the database itself quoted (TABLES_SQL's format('%I.%I')).
 */
export const tableFiguresSql = (table: string): string =>
  `SELECT count(*)::bigint AS rows, (count(*) FILTER (WHERE sampled))::bigint AS sampled,
     md5(coalesce(string_agg(x, E'\\n' ORDER BY x) FILTER (WHERE sampled), '')) AS checksum
   FROM (SELECT t::text AS x, abs(hashtext(t::text)::bigint) % ${SAMPLE_EVERY} = 0 AS sampled
         FROM ${table} t) s`;

export interface TableFigures {
  readonly table: string;
  readonly rows: number;
  readonly sampled: number;
  readonly checksum: string;
}

export interface DatabaseFigures {
  readonly database: string;
  readonly tables: readonly TableFigures[];
}

/** Where the restored copy differs from the source, one phrase each; empty when it matches. */
export function figuresDiffer(
  source: readonly DatabaseFigures[],
  restored: readonly DatabaseFigures[],
): string[] {
  const out: string[] = [];
  const restoredDbs = new Map(restored.map((d) => [d.database, d]));
  for (const db of source) {
    const r = restoredDbs.get(db.database);
    if (!r) {
      out.push(`database ${db.database} is missing from the restored copy`);
      continue;
    }
    const tables = new Map(r.tables.map((t) => [t.table, t]));
    for (const t of db.tables) {
      const got = tables.get(t.table);
      if (!got) out.push(`${db.database}: table ${t.table} is missing from the restored copy`);
      else if (got.rows !== t.rows)
        out.push(`${db.database}: ${t.table} has ${got.rows} rows restored, ${t.rows} in the source`);
      else if (got.checksum !== t.checksum)
        out.push(
          `${db.database}: ${t.table}'s sample of ${t.sampled} rows differs from the source's (MD5 ${got.checksum} against ${t.checksum})`,
        );
    }
    for (const t of r.tables)
      if (!db.tables.some((x) => x.table === t.table))
        out.push(`${db.database}: table ${t.table} is in the restored copy, not in the source`);
  }
  return out;
}
