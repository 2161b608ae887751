/**
 * Whether a segment reached the archive, as PostgreSQL's archiver says (`pg_stat_archiver`), in
 * either executor: archived; archiving failing (the archiver goes in order, so one failure after
 * the switch and the segment waits behind it); or not archived within the wait.
 */
import { sleep } from '../engine/run-engine.ts';

/** A row of `pg_stat_archiver`, each field '' where it is null. */
export interface ArchiverReading {
  readonly last: string;
  readonly failed: string;
  readonly lastFailed: string;
  readonly failedAt: string;
}

export interface ArchiveVerdict {
  readonly archived: boolean;
  readonly archiveProblem: string | null;
}

/** Asks `read` every `everyMs` until `segment` is archived, archiving fails, or `waitSeconds` pass. */
export async function awaitArchived(
  read: () => Promise<ArchiverReading>,
  segment: string,
  /** The archiver's failure count before the switch. */
  failedBefore: string,
  waitSeconds: number,
  everyMs: number,
): Promise<ArchiveVerdict> {
  const end = Date.now() + waitSeconds * 1000;
  for (;;) {
    const a = await read();
    if (a.last !== '' && a.last >= segment) return { archived: true, archiveProblem: null };
    if (a.failed !== failedBefore && a.lastFailed !== '')
      return {
        archived: false,
        archiveProblem: `archiving fails: segment ${a.lastFailed} could not be archived (${a.failed} failures, the last at ${a.failedAt})`,
      };
    if (Date.now() > end)
      return {
        archived: false,
        archiveProblem: `segment ${segment} was not archived within ${waitSeconds} s (the newest archived is ${a.last || 'none'})`,
      };
    await sleep(everyMs);
  }
}
