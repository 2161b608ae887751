/**
 * A content-addressed cache of rendered stack parts: the key of a part is the digest of the code
 * that renders it (citycloud's sources and the locked dependencies) and of its slice of the model,
 * so a hit is the same bytes the renderer would produce, and a change anywhere in either misses.
 * Entries are written whole (temporary file, then rename), so concurrent synths never read half.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InventoryParseCache } from '../model/read-inventory.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What renders stacks and cached views: a change to any of these files changes every key. */
const CODE = ['constructs', 'stacks', 'model', 'network', 'package-lock.json'];

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

export class SynthCache {
  hits = 0;
  misses = 0;

  constructor(readonly dir: string) {}

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
    try {
      const value = readFileSync(this.file(key), 'utf8');
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
  }

  private blobFile(sha256: string): string {
    return join(this.dir, 'blobs', sha256.slice(0, 2), sha256);
  }

  /** Keeps `bytes` by their digest (once); returns the digest. */
  putBlob(bytes: Uint8Array): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.blobFile(sha256);
    if (!existsSync(file)) {
      mkdirSync(join(this.dir, 'blobs', sha256.slice(0, 2)), { recursive: true });
      const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, file);
    }
    return sha256;
  }

  /** The bytes kept under `sha256`, or null. */
  getBlob(sha256: string): Buffer | null {
    try {
      return readFileSync(this.blobFile(sha256));
    } catch {
      return null;
    }
  }

  /** The inventory files parsed before, kept here too (counted apart from the stack parts). */
  inventoryParses(): InventoryParseCache {
    const parses = new SynthCache(this.dir);
    return {
      get: (sha256) => parses.get(parses.key('inventory/parse', sha256)),
      put: (sha256, value) => parses.put(parses.key('inventory/parse', sha256), value),
    };
  }
}
