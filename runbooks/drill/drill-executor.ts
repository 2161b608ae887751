/**
 * What a restore drill acts through: `local` (Debian's PostgreSQL on this machine: a source
 * cluster archiving to a folder that stands for the second site, restored into a scratch
 * cluster) or `kubectl` (the city: a scratch namespace with a deny-all policy, a Spilo clone of
 * the shard restored by WAL-G). Both answer the same questions with the same checks
 * (table-figures.ts), so a drill reads the same whichever restored it.
 */
import type { DatabaseFigures } from './table-figures.ts';

/** A shard drilled: its warehouse, its name, where it runs. */
export interface DrillShard {
  readonly warehouse: string;
  readonly shard: string;
  readonly engine: 'postgresql' | 'clickhouse';
  /** The warehouse's namespace (kubectl). */
  readonly namespace: string;
  /** The drill it is part of (`20261205T160000Z`): a scratch place carries it, so no drill takes another's. */
  readonly drill: string;
}

/** Where a restore stops: the drill's own restore point, a time asked for, or the archive's end. */
export type RestoreTarget =
  /** `at`: when it was written (unix s), for a restore that stops by time (Spilo's clone). */
  | { readonly kind: 'restore-point'; readonly name: string; readonly at: number }
  | { readonly kind: 'time'; readonly at: string }
  | { readonly kind: 'latest' };

/**
 * How much the shard would lose if it were lost now, read before the drill touches anything: the
 * oldest commit in the write-ahead log past the archive's end (positions in the log, not
 * transaction ids, which do not follow commit order).
 */
export interface RecoveryPointReading {
  /** When it was read (unix s). */
  readonly at: number;
  /** Where the archive ends: the last archived segment; null: none archived. */
  readonly archivedThrough: string | null;
  /** When the oldest commit the archive does not hold was made (unix s); null: it holds them all. */
  readonly oldestUnarchivedCommit: number | null;
}

/** The drill's restore point on the source, and the source's figures as of it. */
export interface SourceMark {
  readonly restorePoint: string;
  readonly lsn: string;
  /** When it was written (unix s). */
  readonly at: number;
  /** The WAL segment holding it. */
  readonly segment: string;
  /** Whether that segment reached the archive; else why not (archiving failing, late). */
  readonly archived: boolean;
  readonly archiveProblem: string | null;
  readonly databases: readonly DatabaseFigures[];
}

/** Where a restore is. */
export type RestoreState =
  | { readonly state: 'absent' }
  /** Files copied in part, no server running: a restore cut short before it started. */
  | { readonly state: 'partial' }
  | { readonly state: 'recovering'; readonly detail: string }
  /**
   * `readyAt`: when it was (unix s), where the copy says so itself; `madeAt`: when its scratch
   * place was made, where the executor can tell (a copy made before this restore began is not its).
   */
  | { readonly state: 'ready'; readonly readyAt?: number; readonly madeAt?: number }
  | { readonly state: 'failed'; readonly problem: string };

/** What the restored copy says of itself. */
export interface RestoredCopy {
  /** What pg_amcheck (or CHECK TABLE) found: empty when it passed. */
  readonly corruption: readonly string[];
  /** Why pg_amcheck could not check the copy (no verdict), or null. */
  readonly checkFailed: string | null;
  readonly databases: readonly DatabaseFigures[];
}

export type DrillAction = 'mark' | 'restore' | 'teardown';

export interface DrillExecutor {
  readonly name: 'local' | 'kubectl';
  /** What it drills, journaled as the run's fleet: a resume goes on only with the same. */
  readonly fleet: string;
  /** The folder the drill's own records go to (one folder per drill and shard under it). */
  readonly stateRoot: string;
  /** What an action runs, as shown and journaled. */
  describe(action: DrillAction, shard: DrillShard, detail: string): string;
  recoveryPoint(shard: DrillShard): Promise<RecoveryPointReading>;
  /** Writes a restore point on the source, its figures as of it, and has it archived. */
  mark(shard: DrillShard, name: string, waitSeconds: number): Promise<SourceMark>;
  /** Starts restoring the newest full backup before `target` into the scratch place. */
  restore(shard: DrillShard, target: RestoreTarget): Promise<{ readonly base: string }>;
  restoreState(shard: DrillShard): Promise<RestoreState>;
  /** The WAL segments the restore to `target` needs that the archive lacks. */
  missingWal(shard: DrillShard, target: RestoreTarget, lsn: string | null): Promise<string[]>;
  inspect(shard: DrillShard): Promise<RestoredCopy>;
  /** Stops and removes the scratch place; nothing to do when there is none. */
  teardown(shard: DrillShard): Promise<void>;
  /** Whether anything of the scratch place is left. */
  scratchLeft(shard: DrillShard): Promise<boolean>;
}

/** What the kubectl executor lends the engines' drills: kubectl's argv, a run of it, the scratch namespace. */
export interface KubectlSession {
  base(): string[];
  run(argv: readonly string[], input?: string): Promise<string>;
  scratchNamespace(s: DrillShard): string;
  actionArgv(action: 'apply' | 'delete', s: DrillShard): string[];
  execArgv(
    namespace: string,
    pod: string,
    command: readonly string[],
    options?: { readonly container?: string; readonly stdin?: boolean },
  ): string[];
}
