import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SynthCache } from '../../synth/synth-cache.ts';
import { tempDir } from '../helpers/city.ts';

/** Deletes every entry file under the cache folder, leaving what a process holds in memory. */
const wipeDisk = (dir: string) => {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
};

describe('the synth cache', () => {
  it('reads entries from disk, keyed by the unit and the slice', () => {
    const dir = tempDir();
    const writer = new SynthCache(dir);
    const key = writer.key('terraform/platform/pool-web', { servers: ['a', 'b'] });
    expect(writer.key('terraform/platform/pool-web', { servers: ['a', 'b', 'c'] })).not.toBe(key);
    expect(writer.key('terraform/tenants/pool-web', { servers: ['a', 'b'] })).not.toBe(key);
    writer.put(key, '{"resource":{}}');
    const reader = new SynthCache(dir);
    expect(reader.get(key)).toBe('{"resource":{}}');
    expect(reader.get(reader.key('terraform/platform/pool-web', { servers: [] }))).toBeNull();
    expect([reader.hits, reader.misses]).toEqual([1, 1]);
    wipeDisk(dir);
    expect(reader.get(key)).toBeNull(); // nothing held in memory unless asked
  });

  it('in memory, keeps what the last run used and forgets the rest', () => {
    const dir = tempDir();
    const cache = new SynthCache(dir, { inMemory: true });
    const [used, unused] = ['used', 'unused'].map((u) => cache.key(u, 1)) as [string, string];
    cache.put(used, 'kept');
    cache.put(unused, 'dropped');
    const blob = cache.putBlob(new Uint8Array([1, 2, 3]));
    cache.forgetUnused(); // the end of a run that wrote all three
    wipeDisk(dir);
    expect(cache.get(used)).toBe('kept');
    expect([...(cache.getBlob(blob) ?? [])]).toEqual([1, 2, 3]);
    cache.forgetUnused(); // the end of a run that used only `used` and the blob
    expect(cache.get(used)).toBe('kept');
    expect(cache.get(unused)).toBeNull();
    cache.forgetUnused(); // the end of that run, which read `used` only: the blob goes
    expect(cache.getBlob(blob)).toBeNull();
    cache.forgetUnused(); // the end of a run that used nothing
    expect(cache.get(used)).toBeNull();
  });
});
