/**
 * A content-addressed cache of rendered stack parts: the key of a part is the digest of the code
 * that renders it (citycloud's sources and the locked dependencies) and of its slice of the model,
 * so a hit is the same bytes the renderer would produce, and a change anywhere in either misses.
 * Entries are written whole (temporary file, then rename), so concurrent synths never read half.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

export interface SynthCacheOptions {
  /**
   * Keep the entries read or written in memory as well (for a process that synthesizes again and
   * again, `synth --watch`): a hit then costs no read. `forgetUnused` drops what a run did not use.
   */
  readonly inMemory?: boolean;
}

export class SynthCache implements PartCache {
  hits = 0;
  misses = 0;
  private readonly held: Map<string, string | Buffer> | null;
  private readonly used = new Set<string>();
  /** The parsed inventory files, counted apart from the parts. */
  private parses: SynthCache | null = null;

  constructor(
    readonly dir: string,
    private readonly options: SynthCacheOptions = {},
  ) {
    this.held = options.inMemory ? new Map() : null;
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

  /** The stored value, or null (and counted as a miss) when there is none. */
  get(key: string): string | null {
    const held = this.recall(key);
    if (typeof held === 'string') {
      this.hits++;
      return held;
    }
    try {
      const value = this.remember(key, readFileSync(this.file(key), 'utf8'));
      this.hits++;
      return value;
    } catch {
      this.misses++;
      return null;
    }
  }

  put(key: string, value: string): void {
    const file = this.file(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, value);
    renameSync(temporary, file);
    this.remember(key, value);
  }

  private blobFile(sha256: string): string {
    return join(this.dir, 'blobs', sha256.slice(0, 2), sha256);
  }

  /** Keeps `bytes` by their digest (once); returns the digest. */
  putBlob(bytes: Uint8Array): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.blobFile(sha256);
    if (this.recall(`blob:${sha256}`) === undefined && !existsSync(file)) {
      mkdirSync(join(this.dir, 'blobs', sha256.slice(0, 2)), { recursive: true });
      const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, file);
    }
    // a copy: the caller's bytes are its own to change
    if (this.held) this.remember(`blob:${sha256}`, Buffer.from(bytes));
    return sha256;
  }

  /** The bytes kept under `sha256`, or null. */
  getBlob(sha256: string): Buffer | null {
    const held = this.recall(`blob:${sha256}`);
    if (Buffer.isBuffer(held)) return held;
    try {
      return this.remember(`blob:${sha256}`, readFileSync(this.blobFile(sha256)));
    } catch {
      return null;
    }
  }

  /** The inventory files parsed before, kept here too (counted apart from the stack parts). */
  inventoryParses(): InventoryParseCache {
    this.parses ??= new SynthCache(this.dir, this.options);
    const parses = this.parses;
    return {
      get: (sha256) => parses.get(parses.key('inventory/parse', sha256)),
      put: (sha256, value) => parses.put(parses.key('inventory/parse', sha256), value),
    };
  }
}
