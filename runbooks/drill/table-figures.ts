/**
 * What a restore drill compares between a warehouse shard and its restored copy, the same SQL on
 * both sides and in every executor: per database, per table, its row count and the MD5 of a
 * sample of its rows, and where the two differ. The sample is about SAMPLE_PERCENT of the table's
 * blocks (`TABLESAMPLE SYSTEM … REPEATABLE`: the same blocks on both sides, whatever the table's
 * length, read without scanning the rest), the rows in them visible in the snapshot: a physical
 * restore — a full backup and its WAL replayed, as PostgreSQL's and WAL-G's are — puts every row
 * in the block it had on the source, so the same rows are sampled on both sides.
 */

/** About this share of a table's blocks is its sample. */
export const SAMPLE_PERCENT = 1;
/** The sampling's seed: fixed, so both sides pick the same blocks. */
const SAMPLE_SEED = 20_261_205;

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
  `SELECT (SELECT count(*) FROM ${table})::bigint AS rows, count(*)::bigint AS sampled,
     md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) AS checksum
   FROM (SELECT t::text AS x FROM ${table} t TABLESAMPLE SYSTEM (${SAMPLE_PERCENT}) REPEATABLE (${SAMPLE_SEED})) s`;

export interface TableFigures {
  readonly table: string;
  /** -1: the table could not be counted. */
  readonly rows: number;
  /** The copy must hold at least `rows`, not exactly (a ClickHouse partition written to since its backup). */
  readonly atLeast?: boolean;
  readonly sampled: number;
  readonly checksum: string;
}

export interface DatabaseFigures {
  readonly database: string;
  readonly tables: readonly TableFigures[];
}

/**
 * Where the restored copy differs from the source, one phrase each; empty when it matches.
 * `restoredBeyond`: `compared`, a table of the copy the source does not list is a difference (a
 * PostgreSQL copy, the source read as of the restore point); `ignored`, the source lists only
 * what the backup must hold as it is (a ClickHouse shard's partitions written before the backup
 * began), and the copy may hold more.
 */
export function figuresDiffer(
  source: readonly DatabaseFigures[],
  restored: readonly DatabaseFigures[],
  restoredBeyond: 'compared' | 'ignored' = 'compared',
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
      else if (got.rows < 0 || t.rows < 0)
        out.push(
          `${db.database}: ${t.table} could not be counted ${got.rows < 0 ? 'in the restored copy' : 'in the source'}`,
        );
      else if (t.atLeast) {
        if (got.rows < t.rows)
          out.push(
            `${db.database}: ${t.table} has ${got.rows} rows restored, fewer than the ${t.rows} the source held before the backup began`,
          );
      } else if (got.rows !== t.rows)
        out.push(`${db.database}: ${t.table} has ${got.rows} rows restored, ${t.rows} in the source`);
      else if (got.checksum !== t.checksum)
        out.push(
          `${db.database}: ${t.table}'s sample of ${t.sampled} rows differs from the source's (MD5 ${got.checksum} against ${t.checksum})`,
        );
    }
    if (restoredBeyond === 'compared')
      for (const t of r.tables)
        if (!db.tables.some((x) => x.table === t.table))
          out.push(`${db.database}: table ${t.table} is in the restored copy, not in the source`);
  }
  return out;
}
