import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { LockRefused } from '../../runbooks/engine/run-store.ts';
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
      /the fleet's runbook lock is stale: run upgrade-20261201-220000-0a0b by lan@.*pid \d+ is not running on this host.*citycloud runbook unlock --reason/,
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
    expect(refused.stale).toBeNull();
    // an expired heartbeat from another host is reported stale, and still not taken
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ ...live, heartbeatAt: '2026-01-01T00:00:00Z' }));
    const expired = (await store
      .acquire({ ...me, run: RUN }, { takeOverDeadOf: RUN })
      .catch((e) => e)) as LockRefused;
    expect(expired.stale).toMatch(/no heartbeat for \d+ s/);
    await store.close();
  });
});

describe('the local journal', () => {
  it('appends records in order, durable across a reopen', async () => {
    const store = new FileRunStore(tempDir());
    const j = await store.journal(RUN, { create: true });
    await j.append({ kind: 'wave-started', wave: 0 });
    await j.append({ kind: 'wave-done', wave: 0, seconds: 1 });
    await j.close();
    const again = await store.journal(RUN, { create: false });
    const records = await again.read();
    expect(records.map((r) => [r.seq, r.kind])).toEqual([
      [1, 'wave-started'],
      [2, 'wave-done'],
    ]);
    expect((await again.append({ kind: 'paused', reason: 'x' })).seq).toBe(3);
    await again.close();
  });

  it('lets records appended side by side share a flush (group commit)', async () => {
    const store = new FileRunStore(tempDir());
    const j = await store.journal(RUN, { create: true });
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        j.append({ kind: 'server-skipped', wave: 1, server: `s${i}`, reason: 'test' }),
      ),
    );
    expect((await j.read()).map((r) => r.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(j.flushes).toBeGreaterThan(0);
    expect(j.flushes).toBeLessThan(50);
    await j.close();
  });

  it('drops a torn last line (a kill -9 mid-write: never durable, nothing acted on it)', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    const j = await store.journal(RUN, { create: true });
    await j.append({ kind: 'wave-started', wave: 0 });
    await j.close();
    appendFileSync(join(dir, RUN, 'journal.jsonl'), '{"seq":2,"at":"2026-12-01T22:00:00Z","kind":"step-st');
    const again = await store.journal(RUN, { create: false });
    expect((await again.read()).map((r) => r.seq)).toEqual([1]);
    expect((await again.append({ kind: 'paused', reason: 'x' })).seq).toBe(2);
    expect(
      readFileSync(join(dir, RUN, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean),
    ).toHaveLength(2);
    await again.close();
  });

  it('refuses a journal changed by hand in the middle, and a run id that is not one', async () => {
    const dir = tempDir();
    const store = new FileRunStore(dir);
    const j = await store.journal(RUN, { create: true });
    await j.append({ kind: 'wave-started', wave: 0 });
    await j.append({ kind: 'wave-started', wave: 1 });
    await j.close();
    const file = join(dir, RUN, 'journal.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"wave":0', '"wave":0,'));
    await expect(store.journal(RUN, { create: false })).rejects.toThrow(
      /journal\.jsonl:1: a journal line that is not JSON/,
    );
    await expect(store.journal('../etc', { create: false })).rejects.toThrow(/is not a run id/);
  });
});
