import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { JournalRefused, JournalUnwritable, LockRefused } from '../../runbooks/engine/run-store.ts';
import { tempDir } from '../helpers/city.ts';

const RUN = 'upgrade-20261201-220000-0a0b';
const me = { user: 'lan', host: hostname(), pid: process.pid };
/** A pid that was alive a moment ago and is not any more. */
const deadPid = () => spawnSync('true').pid as number;

describe('the local run store’s lock', () => {
  it('lets one run hold it; a second is refused with the holder named', async () => {
    const dir = tempDir();
    const a = new FileRunStore(dir);
    const { lock } = await a.acquire({ ...me, run: RUN });
    const b = new FileRunStore(dir);
    const refused = await b
      .acquire({ ...me, user: 'minh', run: 'upgrade-20261201-220001-0c0d' })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(LockRefused);
    expect((refused as LockRefused).message).toContain(
      `another runbook holds the fleet's lock: run ${RUN} by lan@`,
    );
    await lock.release();
    const again = await b.acquire({ ...me, run: 'upgrade-20261201-220001-0c0d' });
    await again.lock.release();
    await a.close();
    await b.close();
  });

  it('reports a stale lock (its pid gone on this host) with its owner, and never takes it silently', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    const stale = {
      run: RUN,
      user: 'lan',
      host: hostname(),
      pid: deadPid(),
      startedAt: '2026-12-01T22:00:00Z',
      heartbeatAt: '2026-12-01T22:00:00Z',
      expiresAfterSeconds: 60,
    };
    writeFileSync(join(dir, 'lock.json'), JSON.stringify(stale));
    const refused = (await store
      .acquire({ ...me, run: 'upgrade-20261201-230000-0e0f' })
      .catch((e) => e)) as LockRefused;
    expect(refused).toBeInstanceOf(LockRefused);
    expect(refused.message).toMatch(
      /the fleet's runbook lock is held by a run that is dead: run upgrade-20261201-220000-0a0b by lan@.*pid \d+ is not running on this host\. Continue that run \(it takes the lock over\) with: citycloud runbook resume upgrade-20261201-220000-0a0b$/,
    );
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'))).toEqual(stale);
    // a resume of that same run may take it over, and says whose it was
    const { lock, tookOver } = await store.acquire({ ...me, run: RUN }, { takeOverDeadOf: RUN });
    expect(tookOver).toEqual(stale);
    await lock.release();
    await store.close();
  });

  it('never lets a resume take over a lock whose holder may be alive', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    // another host: its pid cannot be checked, and its heartbeat is fresh
    const live = {
      run: RUN,
      user: 'minh',
      host: 'ops-2',
      pid: 1234,
      startedAt: new Date().toISOString(),
      heartbeatAt: new Date().toISOString(),
      expiresAfterSeconds: 60,
    };
    writeFileSync(join(dir, 'lock.json'), JSON.stringify(live));
    const refused = (await store
      .acquire({ ...me, run: RUN }, { takeOverDeadOf: RUN })
      .catch((e) => e)) as LockRefused;
    expect(refused.liveness.state).toBe('alive');
    expect(refused.liveness.why).toMatch(/^its heartbeat is \d+ s old$/);
    // an expired heartbeat from another host is reported stale, and still not taken
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ ...live, heartbeatAt: '2026-01-01T00:00:00Z' }));
    const expired = (await store
      .acquire({ ...me, run: RUN }, { takeOverDeadOf: RUN })
      .catch((e) => e)) as LockRefused;
    expect(expired.liveness.state).toBe('stale');
    expect(expired.liveness.why).toMatch(/no heartbeat for \d+ s/);
    await store.close();
  });
});

/** A journal as a run writes it: the lock held, then its run-started and approval records. */
async function openRun(store: FileRunStore, run = RUN) {
  const { lock } = await store.acquire({ ...me, run });
  const j = await store.journal(run, { create: true });
  await j.append({ kind: 'run-started', runbook: 'upgrade', by: me, executor: 'sim', plan: {}, options: {} });
  await j.append({ kind: 'approval', approvedBy: 'minh', operator: 'lan', fourEyes: true });
  return { j, lock };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('the local journal', () => {
  it('appends records in order, durable across a reopen', async () => {
    const store = new FileRunStore(tempDir());
    const { j, lock } = await openRun(store);
    await j.append({ kind: 'wave-started', wave: 0 });
    await j.append({ kind: 'wave-done', wave: 0, seconds: 1 });
    await j.close();
    const again = await store.journal(RUN, { create: false });
    const records = await again.read();
    expect(records.map((r) => [r.seq, r.kind])).toEqual([
      [1, 'run-started'],
      [2, 'approval'],
      [3, 'wave-started'],
      [4, 'wave-done'],
    ]);
    expect((await again.append({ kind: 'paused', reason: 'x' })).seq).toBe(5);
    await again.close();
    await lock.release();
  });

  it('keeps records appended side by side, each once and in order (group commit)', async () => {
    const store = new FileRunStore(tempDir());
    const { j, lock } = await openRun(store);
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        j.append({ kind: 'target-skipped', wave: 1, target: `s${i}`, reason: 'test' }),
      ),
    );
    const read = await j.read();
    expect(read.map((r) => r.seq)).toEqual(Array.from({ length: 502 }, (_, i) => i + 1));
    expect(new Set(read.map((r) => 'target' in r && r.target)).size).toBe(501);
    await j.close();
    await lock.release();
  });

  it('drops a torn last line (a kill -9 mid-write: never durable, nothing acted on it)', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    const { j, lock } = await openRun(store);
    await j.close();
    appendFileSync(join(dir, RUN, 'journal.jsonl'), '{"seq":3,"at":"2026-12-01T22:00:00Z","kind":"step-st');
    const again = await store.journal(RUN, { create: false });
    expect((await again.read()).map((r) => r.seq)).toEqual([1, 2]);
    expect((await again.append({ kind: 'paused', reason: 'x' })).seq).toBe(3);
    expect(lines(join(dir, RUN, 'journal.jsonl'))).toHaveLength(3);
    await again.close();
    await lock.release();
  });

  it('finds a record edited, inserted, removed, moved or forged, at its place, and obeys none of it', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    const { j, lock } = await openRun(store);
    for (const wave of [0, 1, 2]) await j.append({ kind: 'wave-started', wave });
    await j.close();
    await lock.release();
    const file = join(dir, RUN, 'journal.jsonl');
    const good = lines(file);
    const refusal = async (text: string[]) => {
      writeFileSync(file, `${text.join('\n')}\n`);
      const err = (await store.journal(RUN, { create: false }).catch((e) => e)) as Error;
      expect(err).toBeInstanceOf(JournalRefused);
      return err.message;
    };
    const edited = [...good];
    edited[3] = (edited[3] as string).replace('"wave":1', '"wave":7');
    expect(await refusal(edited)).toBe(
      `${file}:4: its "digest" is not its own: the record was changed after it was written`,
    );
    expect(await refusal([...good.slice(0, 3), ...good.slice(4)])).toBe(
      `${file}:4: its seq is 5, expected 4 (a record was removed, inserted or moved)`,
    );
    expect(await refusal([good[0] as string, good[2] as string, good[1] as string])).toMatch(
      new RegExp(`^${file}:2: its seq is 3, expected 2`),
    );
    expect(await refusal(['{"seq":1,"at":"2026-12-01T22:00:00Z","kind":"run-started"}'])).toBe(
      `${file}:1: it has no "digest" (written by hand, or by a citycloud without journal chains)`,
    );
    // a whole chain written by hand is a chain, but a record of the wrong shape is still refused
    expect(await refusal(['not json'])).toBe(
      `${file}:1: a journal line that is not JSON text; the journal was changed by hand`,
    );
    // another run's journal moved here: its first record names the other run
    const other = new FileRunStore(tempDir());
    const moved = await openRun(other, 'upgrade-20261201-220001-0c0d');
    await moved.j.close();
    await moved.lock.release();
    expect(await refusal(lines(join(other.dir, 'upgrade-20261201-220001-0c0d', 'journal.jsonl')))).toMatch(
      new RegExp(`^${file}:1: its "prev" is not the digest`),
    );
    await expect(store.journal('../etc', { create: false })).rejects.toThrow(/is not a run id/);
  });

  it('is written by the lock holder only: a run whose lock was broken stops writing', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    const { j } = await openRun(store);
    const breaker = new FileRunStore(dir);
    const taken = await breaker.breakLock({ ...me, user: 'minh', run: RUN });
    expect(taken?.broken.user).toBe('lan');
    const err = (await j.append({ kind: 'wave-started', wave: 0 }).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(JournalUnwritable);
    expect(err.message).toMatch(/^the fleet's runbook lock was broken: it is now held by minh@/);
    // the breaker is the one writer now
    const theirs = await breaker.journal(RUN, { create: false });
    expect((await theirs.append({ kind: 'paused', reason: 'broken' })).seq).toBe(3);
    await theirs.close();
    await j.close();
    await taken?.lock.release();
    expect(lines(join(dir, RUN, 'journal.jsonl')).map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
  });

  it('writes only records it would read back: a NUL made visible, an empty name refused before it is written', async () => {
    const store = new FileRunStore(tempDir());
    const { j, lock } = await openRun(store);
    const failed = await j.append({
      kind: 'step-failed',
      wave: 0,
      target: 's1',
      step: 'cordon',
      error: 'boom\u0000boom',
    });
    expect((failed as { error?: string }).error).toBe('boom\ufffdboom');
    const empty = await j.append({ kind: 'resumed', by: { ...me, user: '' } }).catch((e) => e);
    expect((empty as Error).message).toBe(
      'a journal record citycloud would refuse to read: a resumed record whose "by" is {"user":"","host":"' +
        me.host +
        '","pid":' +
        me.pid +
        '}',
    );
    await j.close();
    await lock.release();
    const again = await store.journal(RUN, { create: false });
    expect((await again.read()).map((r) => r.kind)).toEqual(['run-started', 'approval', 'step-failed']);
    await again.close();
  });
});
