/**
 * The journals' group commit: records appended while a write is under way go together in the next
 * one, in order, each resolved when its write is durable; a failed write fails its records and
 * every later append; closing waits for the writes, then releases.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, groupCommitJournal } from '../../runbooks/engine/group-commit.ts';
import { chainStart } from '../../runbooks/engine/journal-chain.ts';
import type { JournalRecord } from '../../runbooks/engine/journal-records.ts';

const RUN = 'upgrade-20261201-220001-0c0d';
const skipped = (i: number) =>
  ({ kind: 'target-skipped', wave: 1, target: `s${i}`, reason: 'test' }) as const;

/** A store's write that holds each batch until the test lets it go, and remembers it. */
function heldWrites() {
  const batches: (readonly JournalRecord[])[] = [];
  const waiting: (() => void)[] = [];
  return {
    batches,
    write: (batch: readonly JournalRecord[]) =>
      new Promise<void>((resolve) => {
        batches.push(batch);
        waiting.push(resolve);
      }),
    /** Lets every write so far finish. */
    release: () => {
      for (const go of waiting.splice(0)) go();
    },
  };
}

describe('the group commit', () => {
  it('writes the first record at once and those appended meanwhile together, in order', async () => {
    const store = heldWrites();
    const commit = new GroupCommit(store.write, chainStart(RUN));
    const first = commit.append(skipped(0));
    const rest = Array.from({ length: 499 }, (_, i) => commit.append(skipped(i + 1)));
    await new Promise((r) => setImmediate(r));
    expect(store.batches.map((b) => b.length)).toEqual([1]);
    store.release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(store.batches.map((b) => b.length)).toEqual([1, 499]);
    store.release();
    const records = [await first, ...(await Promise.all(rest))];
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // what was written is what was appended, each record linked to the one before
    const written = store.batches.flat();
    expect(written).toEqual(records);
    written.forEach((r, i) => {
      expect(r.prev).toBe(i === 0 ? chainStart(RUN).digest : written[i - 1]?.digest);
    });
  });

  it('fails the records of a failed write and every append after it', async () => {
    let writes = 0;
    const commit = new GroupCommit(async () => {
      writes++;
      throw new Error('disk gone');
    }, chainStart(RUN));
    await expect(commit.append(skipped(0))).rejects.toThrow('disk gone');
    await expect(commit.append(skipped(1))).rejects.toThrow('disk gone');
    expect(writes).toBe(1);
  });

  it('as a journal: close waits for the writes under way, then releases once', async () => {
    const store = heldWrites();
    const events: string[] = [];
    const journal = groupCommitJournal(chainStart(RUN), {
      write: store.write,
      read: async () => store.batches.flat(),
      release: async () => {
        events.push('released');
      },
    });
    const appended = [journal.append(skipped(0)), journal.append(skipped(1))];
    const closed = journal.close().then(() => events.push('closed'));
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([]);
    store.release();
    await appended[0];
    await new Promise((r) => setImmediate(r));
    store.release();
    await closed;
    expect(events).toEqual(['released', 'closed']);
    expect((await journal.read()).map((r) => r.seq)).toEqual([1, 2]);
  });
});
