/**
 * The synth cache trusts only what this machine wrote. Its keys are predictable and its folder is
 * in the checkout by default, so a change under review can commit entries there: each entry
 * carries an HMAC under a key kept outside every repository (0600, made on first use), and an
 * entry without a valid one — the old format, a wrong MAC — is a miss, counted as rejected, never
 * used. A key file that others could read, or a link, is refused: the cache is then not used.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadCity } from '../../model/index.ts';
import { synthesize } from '../../synth/synth.ts';
import { cacheKeyFile, ENTRY_FORMAT, SynthCache } from '../../synth/synth-cache.ts';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';

/** Every file of an output folder, by path. */
function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort())
    if (statSync(join(dir, path)).isFile()) files.set(path, readFileSync(join(dir, path)));
  return files;
}

/** Synthesizes the small city into a new folder through `cache` (none: afresh), as `citycloud synth` does. */
async function synthWith(cache: SynthCache | undefined): Promise<Map<string, Buffer>> {
  const { model, inputs } = loadCity(SMALL_CITY, { parseCache: cache?.inventoryParses() });
  if (!model) throw new Error('the small city did not load');
  const outDir = join(tempDir(), 'out');
  await synthesize({ model, inputs, outDir, cache });
  return filesOf(outDir);
}

/** A cache that records each entry a synth puts, with the unit it is of. */
class RecordingCache extends SynthCache {
  readonly units = new Map<string, string>();
  readonly puts = new Map<string, { unit: string; value: string }>();
  override key(unit: string, slice: unknown): string {
    const key = super.key(unit, slice);
    this.units.set(key, unit);
    return key;
  }
  override put(key: string, value: string): void {
    super.put(key, value);
    this.puts.set(key, { unit: this.units.get(key) as string, value });
  }
}

/** Every string in a JSON value with `-forged` after it. */
const forgeStrings = (v: unknown): unknown =>
  typeof v === 'string'
    ? `${v}-forged`
    : Array.isArray(v)
      ? v.map(forgeStrings)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forgeStrings(x)]))
        : v;

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A key file of its own for each test, so the developer's real key is never read or made. */
const freshKeyFile = () => join(tempDir('citycloud-key-'), 'state', 'citycloud', 'cache.key');

let fresh: Map<string, Buffer>;
let recorded: RecordingCache;
beforeAll(async () => {
  vi.stubEnv('CITYCLOUD_CACHE_KEY', freshKeyFile());
  fresh = await synthWith(undefined);
  recorded = new RecordingCache(tempDir());
  await synthWith(recorded);
  vi.unstubAllEnvs();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('where the cache key is kept', () => {
  it('is $CITYCLOUD_CACHE_KEY, else $XDG_STATE_HOME/citycloud, else ~/.local/state/citycloud', () => {
    expect(cacheKeyFile({ CITYCLOUD_CACHE_KEY: '/keys/cc.key', XDG_STATE_HOME: '/state' })).toBe(
      '/keys/cc.key',
    );
    expect(cacheKeyFile({ XDG_STATE_HOME: '/state' })).toBe('/state/citycloud/cache.key');
    // a relative XDG_STATE_HOME is to be ignored (the XDG base directory spec)
    expect(cacheKeyFile({ XDG_STATE_HOME: 'state' })).toBe(
      join(homedir(), '.local/state/citycloud/cache.key'),
    );
    expect(cacheKeyFile({})).toBe(join(homedir(), '.local/state/citycloud/cache.key'));
  });
});

describe('entries not written on this machine', () => {
  it('recorded a synth that puts stack parts, views and blobs', () => {
    const units = [...recorded.puts.values()].map((p) => p.unit);
    expect(units.some((u) => u.startsWith('terraform/'))).toBe(true);
    expect(units.some((u) => u.startsWith('view/'))).toBe(true);
  });

  describe.each([
    ['the old unauthenticated format', (body: Buffer) => body],
    [
      'a wrong MAC',
      (body: Buffer) => Buffer.concat([Buffer.from(`${ENTRY_FORMAT} ${'ab'.repeat(32)}\n`), body]),
    ],
  ])('committed in %s at the keys synth uses', (_, entry) => {
    it('are rejected, never used: the output is byte for byte the one rendered afresh', async () => {
      const dir = tempDir();
      const plant = (file: string, body: Buffer) => {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, entry(body));
      };
      for (const [key, { unit, value }] of recorded.puts) {
        let forged: unknown;
        if (unit.startsWith('view/'))
          // a view's entry lists its files by blob: each points to a planted blob of other bytes
          forged = (JSON.parse(value) as { path: string }[]).map(({ path }) => {
            const bytes = Buffer.from(`forged ${path}\n`);
            plant(join(dir, 'blobs', sha256(bytes).slice(0, 2), sha256(bytes)), bytes);
            return { path, sha256: sha256(bytes) };
          });
        else forged = forgeStrings(JSON.parse(value));
        plant(join(dir, key.slice(0, 2), `${key}.json`), Buffer.from(JSON.stringify(forged)));
      }
      // the parse of the inventory too: the same city with fewer replicas
      const text = readFileSync(SMALL_CITY, 'utf8').replace('replicas: 3', 'replicas: 2');
      const parseKey = recorded.key('inventory/parse', sha256(readFileSync(SMALL_CITY)));
      plant(
        join(dir, parseKey.slice(0, 2), `${parseKey}.json`),
        Buffer.from(serialize(parse(text)).toString('base64')),
      );

      vi.stubEnv('CITYCLOUD_CACHE_KEY', freshKeyFile());
      const notices: string[] = [];
      const cache = new SynthCache(dir, { notice: (line) => notices.push(line) });
      const out = await synthWith(cache);
      expect([...out.keys()]).toEqual([...fresh.keys()]);
      for (const [path, bytes] of fresh) expect(out.get(path)?.equals(bytes), path).toBe(true);
      expect(cache.rejected).toBe(recorded.puts.size + 1);
      expect(cache.hits).toBe(0);
      expect(notices).toEqual([
        `the synth cache ${dir} holds entries not written on this machine (an older citycloud's, or put there by someone else): they are not used, and their parts are rendered afresh`,
      ]);
      // rendered afresh, they were written again, signed: the next synth takes them
      const again = new SynthCache(dir);
      expect(await synthWith(again)).toEqual(fresh);
      expect([again.hits, again.misses, again.rejected]).toEqual([recorded.puts.size, 0, 0]);
    });
  });

  it('an entry moved to another key, or changed after it was written, is rejected', () => {
    vi.stubEnv('CITYCLOUD_CACHE_KEY', freshKeyFile());
    const dir = tempDir();
    const cache = new SynthCache(dir);
    const [a, b] = [cache.key('unit', 1), cache.key('unit', 2)] as [string, string];
    cache.put(a, 'value of a');
    const fileOf = (k: string) => join(dir, k.slice(0, 2), `${k}.json`);
    mkdirSync(join(fileOf(b), '..'), { recursive: true });
    writeFileSync(fileOf(b), readFileSync(fileOf(a)));
    const blob = cache.putBlob(Buffer.from('the bytes'));
    const blobFile = join(dir, 'blobs', blob.slice(0, 2), blob);
    writeFileSync(
      blobFile,
      Buffer.from(readFileSync(blobFile, 'latin1').replace('the bytes', 'the bytez'), 'latin1'),
    );
    const reader = new SynthCache(dir, { notice: () => {} });
    expect(reader.get(a)).toBe('value of a');
    expect(reader.get(b)).toBeNull();
    expect(reader.getBlob(blob)).toBeNull();
    expect([reader.hits, reader.misses, reader.rejected]).toEqual([1, 1, 2]);
    // a blob put again over a file that is not this machine's replaces it
    reader.putBlob(Buffer.from('the bytes'));
    expect(new SynthCache(dir).getBlob(blob)?.toString()).toBe('the bytes');
  });
});

describe('entries written on this machine', () => {
  it('are hits on the next synth, which gives the same bytes', async () => {
    vi.stubEnv('CITYCLOUD_CACHE_KEY', freshKeyFile());
    const dir = tempDir();
    expect(await synthWith(new SynthCache(dir))).toEqual(fresh);
    const second = new SynthCache(dir);
    expect(await synthWith(second)).toEqual(fresh);
    expect(second.hits).toBeGreaterThan(0);
    expect([second.misses, second.rejected]).toEqual([0, 0]);
  });

  it('in memory too (synth --watch)', async () => {
    vi.stubEnv('CITYCLOUD_CACHE_KEY', freshKeyFile());
    const cache = new SynthCache(tempDir(), { inMemory: true });
    expect(await synthWith(cache)).toEqual(fresh);
    const hits = cache.hits;
    expect(await synthWith(cache)).toEqual(fresh);
    expect(cache.hits - hits).toBeGreaterThan(0);
    expect(cache.rejected).toBe(0);
  });
});

describe('the key file', () => {
  it('is made on first use, mode 0600, in a folder of its own', async () => {
    const keyFile = freshKeyFile();
    vi.stubEnv('CITYCLOUD_CACHE_KEY', keyFile);
    expect(existsSync(keyFile)).toBe(false);
    await synthWith(new SynthCache(tempDir()));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(keyFile, '..')).mode & 0o077).toBe(0);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(readdirSync(join(keyFile, '..'))).toEqual(['cache.key']);
  });

  /** A valid key in a file of mode 0600, made by this test. */
  const privateKey = () => {
    const file = freshKeyFile();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${'1f'.repeat(32)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return file;
  };

  it.each([
    [
      'readable by others',
      () => {
        const file = privateKey();
        chmodSync(file, 0o644);
        return file;
      },
      (file: string) =>
        `${file} is open to other users (mode 0644); remove it so a new key is made (a key others could read lets them forge entries)`,
    ],
    [
      'a symbolic link',
      () => {
        const link = join(tempDir('citycloud-key-'), 'cache.key');
        symlinkSync(privateKey(), link);
        return link;
      },
      (file: string) => `${file} is a symbolic link; remove it so a new key is made there`,
    ],
    [
      'a link to nowhere (planted before the key was made)',
      () => {
        const link = join(tempDir('citycloud-key-'), 'cache.key');
        symlinkSync(join(tempDir(), 'made-by-citycloud'), link);
        return link;
      },
      (file: string) => `${file} is a symbolic link; remove it so a new key is made there`,
    ],
  ])('%s is refused: the cache is not used, synth still gives the same bytes', async (_, make, why) => {
    const keyFile = make();
    const before = lstatSync(keyFile);
    vi.stubEnv('CITYCLOUD_CACHE_KEY', keyFile);
    const dir = tempDir();
    const notices: string[] = [];
    const cache = new SynthCache(dir, { notice: (line) => notices.push(line) });
    expect(await synthWith(cache)).toEqual(fresh);
    expect([cache.hits, cache.rejected]).toEqual([0, 0]);
    expect(cache.misses).toBeGreaterThan(0);
    // every read misses, in a cache made after, too (and the refusal is not said again)
    const next = new SynthCache(dir, { notice: (line) => notices.push(line) });
    expect(next.get([...recorded.puts.keys()][0] as string)).toBeNull();
    expect([next.hits, next.misses]).toEqual([0, 1]);
    expect(readdirSync(dir)).toEqual([]); // nothing written without a key
    expect(notices).toEqual([`the synth cache ${dir} is not used: ${why(keyFile)}`]); // said once
    expect(lstatSync(keyFile)).toEqual(before); // and left as it was
  });

  it('refused, citycloud synth says so in one line and synthesizes', () => {
    const target = privateKey();
    const link = join(tempDir('citycloud-key-'), 'cache.key');
    symlinkSync(target, link);
    const dir = tempDir();
    const out = join(tempDir(), 'out');
    const r = runCli(['synth', '-i', SMALL_CITY, '--out', out, '--cache', join(dir, 'cache')], undefined, {
      CITYCLOUD_CACHE_KEY: link,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `citycloud: the synth cache ${join(dir, 'cache')} is not used: ${link} is a symbolic link; remove it so a new key is made there\n`,
    );
    expect(filesOf(out)).toEqual(fresh);
    expect(readdirSync(dir)).toEqual([]);
  });
});
