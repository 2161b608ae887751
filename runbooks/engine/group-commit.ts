/**
 * The journals' group commit: records get their sequence number as they are appended; the first
 * is written at once, and those appended while a write is under way wait and go together in the
 * next one. Each record carries the digest of the one before it (runbooks/engine/journal-chain.ts).
 * Each append resolves when the write holding its record is durable (an fsync, a
 * commit); a failed write rejects every append in it.
 */
import { type ChainHead, recordDigest, recordProblem } from './journal-chain.ts';
import type { JournalEvent, JournalRecord } from './journal-records.ts';
import type { Journal } from './run-store.ts';

/** What a store gives a journal: how a batch becomes durable, how the journal is read, what closing releases. */
export interface JournalParts {
  /** Makes a batch of records durable, in order (an fsync, a commit). */
  write(batch: readonly JournalRecord[]): Promise<void>;
  /** Every record, checked in the chain. */
  read(): Promise<JournalRecord[]>;
  /** Releases what the writes held (a file handle), once every append is settled. */
  release?(): Promise<void>;
}

/** A store's journal: its appends go through one group commit of the store's writes. */
export function groupCommitJournal(head: ChainHead, parts: JournalParts): Journal {
  const commits = new GroupCommit((batch) => parts.write(batch), head);
  return {
    append: (event) => commits.append(event),
    read: () => parts.read(),
    close: async () => {
      await commits.settled();
      await parts.release?.();
    },
  };
}

export class GroupCommit {
  private pending: { record: JournalRecord; done: () => void; fail: (e: Error) => void }[] = [];
  private writing = false;
  /** The first write that failed: every append after it fails the same way. */
  private failed: Error | null = null;

  constructor(
    /** Makes a batch of records durable, in order. */
    private readonly write: (batch: readonly JournalRecord[]) => Promise<void>,
    /** The chain's head when the journal was opened. */
    private head: ChainHead,
  ) {}

  append(event: JournalEvent): Promise<JournalRecord> {
    // after a failed write nothing more is written: what follows would not follow the journal
    if (this.failed) return Promise.reject(this.failed);
    // the record as it is stored and read back (no undefined fields, no NUL, which PostgreSQL's
    // jsonb refuses): what its digest covers
    const fields = JSON.parse(
      JSON.stringify({
        seq: this.head.seq + 1,
        at: new Date().toISOString(),
        prev: this.head.digest,
        ...event,
      }).replace(/\\u0000/g, '\\ufffd'),
    ) as Omit<JournalRecord, 'digest'>;
    const record = { ...fields, digest: recordDigest(fields) } as JournalRecord;
    // never write a record the journal's reader would refuse
    const problem = recordProblem(record, this.head);
    if (problem)
      return Promise.reject(new Error(`a journal record citycloud would refuse to read: ${problem}`));
    this.head = { seq: record.seq, digest: record.digest };
    return new Promise((resolve, reject) => {
      this.pending.push({ record, done: () => resolve(record), fail: reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          await this.write(batch.map((b) => b.record));
          for (const b of batch) b.done();
        } catch (err) {
          this.failed = err as Error;
          for (const b of [...batch, ...this.pending.splice(0)]) b.fail(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** Resolves once every record appended so far is written (or failed). */
  async settled(): Promise<void> {
    while (this.pending.length > 0 || this.writing) await new Promise((r) => setImmediate(r));
  }
}
