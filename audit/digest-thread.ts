/**
 * SHA-256 of files on a thread of their own, so that checking every file the diff reads against
 * its manifest costs no time beside the diff: a file is read once into shared memory, the diff
 * reads it there while the thread hashes those same bytes (no copy, and no second read that could
 * see another version of the file).
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { readRegularFile } from '../model/index.ts';
import { AuditInputError } from './audit-error.ts';

/** The thread's script: plain JavaScript, no module to find beside a build. */
const SCRIPT = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, shared, offset, length }) => {
  parentPort.postMessage({ id, sha256: createHash('sha256').update(new Uint8Array(shared, offset, length)).digest('hex') });
});
`;

/** The largest file read into shared memory (as reviewed-output.ts's bound). */
const MAX_SHARED_BYTES = 512 * 1024 * 1024;

export class DigestThread {
  private worker: Worker | null = null;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (hex: string) => void; reject: (e: Error) => void }
  >();

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(SCRIPT, { eval: true });
    w.unref();
    w.on('message', ({ id, sha256 }: { id: number; sha256: string }) => {
      this.waiting.get(id)?.resolve(sha256);
      this.waiting.delete(id);
      if (this.waiting.size === 0) w.unref();
    });
    w.on('error', (e) => {
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
    });
    this.worker = w;
    return w;
  }

  /**
   * Reads a file of out/ — bounded, a regular file only, never through a link — into shared memory;
   * returns its bytes now and their sha256 (hex) when hashed on the thread. AuditInputError when
   * it cannot be read (`label` says which output).
   */
  read(path: string, label = path): { bytes: Buffer; sha256: Promise<string> } {
    const read = readRegularFile(
      path,
      { noun: 'it', expected: 'the file synth wrote', readable: 'the file synth wrote, readable' },
      { maxBytes: MAX_SHARED_BYTES, noFollow: true, shared: true },
    );
    if ('problem' in read) throw new AuditInputError(`${label}: ${read.problem}`);
    return { bytes: read.bytes, sha256: this.hash(read.bytes) };
  }

  /** The sha256 (hex) of `bytes`, made on the thread when they are in shared memory, here otherwise. */
  hash(bytes: Buffer): Promise<string> {
    if (!(bytes.buffer instanceof SharedArrayBuffer))
      return Promise.resolve(createHash('sha256').update(bytes).digest('hex'));
    const worker = this.start();
    const id = this.next++;
    const sha256 = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ id, shared: bytes.buffer, offset: bytes.byteOffset, length: bytes.length });
    return sha256;
  }

  /** Stops the thread (pending digests are rejected). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/** One digest thread for the process: every side's and every check's files are hashed there. */
export const DIGESTS = new DigestThread();
