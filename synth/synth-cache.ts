/**
 * A content-addressed cache of rendered stack parts: the key of a part is the digest of the code
 * that renders it (citycloud's sources and the locked dependencies) and of its slice of the model,
 * so a hit is the same bytes the renderer would produce, and a change anywhere in either misses.
 * Entries are written whole (temporary file, then rename), so concurrent synths never read half.
 *
 * The key of an entry is predictable and the cache folder sits in the user's checkout by default,
 * where a change under review can commit entries of its own. So every entry carries an HMAC-SHA256
 * of its key and bytes under a secret made on this machine and kept outside every repository
 * (`cacheKeyFile`): an entry without a valid MAC is a miss, never used, and counted as `rejected`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { InventoryParseCache } from '../model/read-inventory.ts';
import type { PartCache } from '../view/view.ts';
import { PROJECT_ROOT } from './project-root.ts';

const ROOT = `${PROJECT_ROOT}/`;
/** What renders stacks and cached views: a change to any of these files changes every key. */
const CODE = ['constructs', 'stacks', 'model', 'network', 'view', 'package-lock.json'];

let codeVersion: string | null = null;

function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!path.endsWith('.ts') && !path.endsWith('.json') && !path.endsWith('.mjs'))
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|mjs)$/.test(f))
      .sort()
      .map((f) => join(path, f));
  return [path];
}

/** Digest of the sources that render stacks and cached views, and of the locked dependencies. */
export function rendererVersion(): string {
  if (codeVersion === null) {
    const hash = createHash('sha256');
    for (const entry of CODE)
      for (const file of filesOf(join(ROOT, entry))) {
        hash.update(file.slice(ROOT.length));
        hash.update('\0');
        hash.update(readFileSync(file));
        hash.update('\0');
      }
    codeVersion = hash.digest('hex');
  }
  return codeVersion;
}

/** The first line of every entry file, before the entry's MAC in hex. */
export const ENTRY_FORMAT = 'citycloud-cache/v2';
const HEADER = new RegExp(`^${ENTRY_FORMAT} ([0-9a-f]{64})$`);

/**
 * Where this machine's cache key is kept, outside every repository: `$CITYCLOUD_CACHE_KEY` when it
 * names a file, else `$XDG_STATE_HOME/citycloud/cache.key`, else `~/.local/state/citycloud/cache.key`.
 */
export function cacheKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CITYCLOUD_CACHE_KEY) return resolve(env.CITYCLOUD_CACHE_KEY);
  // the XDG spec: a relative value is to be ignored
  const state =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(homedir(), '.local', 'state');
  return join(state, 'citycloud', 'cache.key');
}

/** The key in `file`, or why it may not be used. */
type KeyRead = { readonly key: Buffer } | { readonly refused: string };

const KEY_TEXT = /^[0-9a-f]{64}\n?$/;

/** Reads an existing key file without following a link, and only if it is private to this user. */
function readKeyFile(file: string): KeyRead | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP')
      return { refused: `${file} is a symbolic link; remove it so a new key is made there` };
    return { refused: `${file} cannot be read (${code ?? String(err)})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { refused: `${file} is not a regular file; remove it so a new key is made` };
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid)
      return {
        refused: `${file} is owned by user ${stat.uid}, not by you (${uid}); remove it so a new key is made`,
      };
    if (uid !== undefined && (stat.mode & 0o077) !== 0)
      return {
        refused: `${file} is open to other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); remove it so a new key is made (a key others could read lets them forge entries)`,
      };
    const buffer = Buffer.alloc(80);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, length).toString('latin1');
    if (!KEY_TEXT.test(text))
      return {
        refused: `${file} is not a citycloud cache key (64 hex digits); remove it so a new key is made`,
      };
    return { key: Buffer.from(text.slice(0, 64), 'hex') };
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes a new key at `file`, mode 0600: written whole into a file created exclusively (`wx`, so a
 * planted link is not followed), then linked to its name (which fails, rather than replaces, when
 * another synth made one first: that key is used).
 */
function createKeyFile(file: string): KeyRead {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const key = randomBytes(32);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      fchmodSync(fd, 0o600); // whatever the umask
      writeSync(fd, `${key.toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, file);
      return { key };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        return readKeyFile(file) ?? { refused: `${file} vanished while it was being read` };
      throw err;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** This machine's cache key from `file` (made on first use), or why the cache may not be used. */
export function loadCacheKey(file: string = cacheKeyFile()): KeyRead {
  try {
    return readKeyFile(file) ?? createKeyFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      refused: `${file} cannot be made (${code ?? String(err)}); set CITYCLOUD_CACHE_KEY to a file of yours outside every repository`,
    };
  }
}

/** The refusals said so far: each once per process, however many caches or runs meet it. */
const said = new Set<string>();

export interface SynthCacheOptions {
  /**
   * Keep the entries read or written in memory as well (for a process that synthesizes again and
   * again, `synth --watch`): a hit then costs no read. `forgetUnused` drops what a run did not use.
   */
  readonly inMemory?: boolean;
  /** The file of the secret the entries are signed with. @default - `cacheKeyFile()` */
  readonly keyFile?: string;
  /** Told, once, when the cache is not used or holds entries not written here. @default - a line on stderr */
  readonly notice?: (line: string) => void;
}

/** What a cache and its inventory-parse cache share: the key (loaded once) and the rejections. */
interface Trust {
  key: Buffer | null | undefined;
  rejected: number;
}

export class SynthCache implements PartCache {
  hits = 0;
  misses = 0;
  private readonly held: Map<string, string | Buffer> | null;
  private readonly used = new Set<string>();
  /** The parsed inventory files, counted apart from the parts. */
  private parses: SynthCache | null = null;
  /** Replaced by the parent's in an inventory-parse cache (`inventoryParses`). */
  private trust: Trust = { key: undefined, rejected: 0 };

  constructor(
    readonly dir: string,
    private readonly options: SynthCacheOptions = {},
  ) {
    this.held = options.inMemory ? new Map() : null;
  }

  /** Entries found on disk without a valid MAC (not written on this machine), the inventory parses' included. */
  get rejected(): number {
    return this.trust.rejected;
  }

  private notice(line: string): void {
    if (said.has(line)) return;
    said.add(line);
    (this.options.notice ?? ((l: string) => process.stderr.write(`citycloud: ${l}\n`)))(line);
  }

  /** The secret entries are signed with; null when its file may not be used (every read then misses). */
  private get secret(): Buffer | null {
    if (this.trust.key === undefined) {
      const read = loadCacheKey(this.options.keyFile ?? cacheKeyFile());
      this.trust.key = 'key' in read ? read.key : null;
      if ('refused' in read) this.notice(`the synth cache ${this.dir} is not used: ${read.refused}`);
    }
    return this.trust.key;
  }

  private mac(secret: Buffer, id: string, bytes: Uint8Array): Buffer {
    return createHmac('sha256', secret).update(`${ENTRY_FORMAT}\0${id}\0`).update(bytes).digest();
  }

  /** The bytes of the entry `id` in `file` if its MAC is this machine's; null (counted when present) otherwise. */
  private readEntry(id: string, file: string): Buffer | null {
    const secret = this.secret;
    if (!secret) return null;
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch {
      return null;
    }
    const newline = raw.indexOf(10);
    const header = newline < 0 ? null : HEADER.exec(raw.subarray(0, newline).toString('latin1'));
    const body = raw.subarray(newline + 1);
    if (!header || !timingSafeEqual(Buffer.from(header[1] as string, 'hex'), this.mac(secret, id, body))) {
      this.trust.rejected++;
      this.notice(
        `the synth cache ${this.dir} holds entries not written on this machine (an older citycloud's, or put there by someone else): they are not used, and their parts are rendered afresh`,
      );
      return null;
    }
    return body;
  }

  /** Writes the entry `id` with its MAC, whole (temporary file, then rename); nothing when the cache is not used. */
  private writeEntry(id: string, file: string, bytes: Uint8Array): boolean {
    const secret = this.secret;
    if (!secret) return false;
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(
      temporary,
      Buffer.concat([Buffer.from(`${ENTRY_FORMAT} ${this.mac(secret, id, bytes).toString('hex')}\n`), bytes]),
    );
    renameSync(temporary, file);
    return true;
  }

  private remember<T extends string | Buffer>(id: string, value: T): T {
    if (this.held) {
      this.held.set(id, value);
      this.used.add(id);
    }
    return value;
  }

  private recall(id: string): string | Buffer | undefined {
    const value = this.held?.get(id);
    if (value !== undefined) this.used.add(id);
    return value;
  }

  /**
   * Drops from memory the entries not read or written since the last call (they stay on disk):
   * a long watch keeps what the current inventory uses, not every version it went through.
   */
  forgetUnused(): void {
    if (!this.held) return;
    for (const id of this.held.keys()) if (!this.used.has(id)) this.held.delete(id);
    this.used.clear();
    this.parses?.forgetUnused();
  }

  /** The key of a unit's slice of the model. */
  key(unit: string, slice: unknown): string {
    return createHash('sha256')
      .update(rendererVersion())
      .update('\0')
      .update(unit)
      .update('\0')
      .update(JSON.stringify(slice) ?? 'undefined')
      .digest('hex');
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored value, or null (and counted as a miss) when there is none or it was not written here. */
  get(key: string): string | null {
    const held = this.recall(key);
    if (typeof held === 'string') {
      this.hits++;
      return held;
    }
    const bytes = this.readEntry(key, this.file(key));
    if (bytes === null) {
      this.misses++;
      return null;
    }
    this.hits++;
    return this.remember(key, bytes.toString('utf8'));
  }

  put(key: string, value: string): void {
    if (this.writeEntry(key, this.file(key), Buffer.from(value, 'utf8'))) this.remember(key, value);
  }

  private blobFile(sha256: string): string {
    return join(this.dir, 'blobs', sha256.slice(0, 2), sha256);
  }

  /** Keeps `bytes` by their digest (once); returns the digest. */
  putBlob(bytes: Uint8Array): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const id = `blob:${sha256}`;
    const file = this.blobFile(sha256);
    // a file there that is not this machine's (planted, or an older format) is replaced
    const kept = this.recall(id) !== undefined || (existsSync(file) && this.readEntry(id, file) !== null);
    const written = kept || this.writeEntry(id, file, bytes);
    // a copy: the caller's bytes are its own to change
    if (written && this.held) this.remember(id, Buffer.from(bytes));
    return sha256;
  }

  /** The bytes kept under `sha256`, or null. */
  getBlob(sha256: string): Buffer | null {
    const id = `blob:${sha256}`;
    const held = this.recall(id);
    if (Buffer.isBuffer(held)) return held;
    const bytes = this.readEntry(id, this.blobFile(sha256));
    return bytes === null ? null : this.remember(id, bytes);
  }

  /** The inventory files parsed before, kept here too (counted apart from the stack parts, signed with the same key). */
  inventoryParses(): InventoryParseCache {
    if (!this.parses) {
      this.parses = new SynthCache(this.dir, this.options);
      this.parses.trust = this.trust;
    }
    const parses = this.parses;
    return {
      get: (sha256) => parses.get(parses.key('inventory/parse', sha256)),
      put: (sha256, value) => parses.put(parses.key('inventory/parse', sha256), value),
    };
  }
}
