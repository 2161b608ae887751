/**
 * SHA-256 of files on a thread of their own, so that checking every file the diff reads against
 * its manifest costs no time beside the diff: a file is read once into shared memory, the diff
 * reads it there while the thread hashes those same bytes (no copy, and no second read that could
 * see another version of the file).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The thread's script: plain JavaScript, no module to find beside a build. */
const SCRIPT = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, shared, length }) => {
  parentPort.postMessage({ id, sha256: createHash('sha256').update(new Uint8Array(shared, 0, length)).digest('hex') });
});
`;

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

  /** Reads the file into shared memory; returns its bytes now and their sha256 (hex) when hashed. */
  read(path: string): { bytes: Buffer; sha256: Promise<string> } {
    const fd = openSync(path, 'r');
    let bytes: Buffer;
    try {
      const size = fstatSync(fd).size;
      const shared = new SharedArrayBuffer(size);
      bytes = Buffer.from(shared);
      let done = 0;
      while (done < size) {
        const n = readSync(fd, bytes, done, size - done, done);
        if (n === 0) break;
        done += n;
      }
      if (done < size) bytes = bytes.subarray(0, done);
    } finally {
      closeSync(fd);
    }
    const worker = this.start();
    const id = this.next++;
    const sha256 = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ id, shared: bytes.buffer, length: bytes.length });
    return { bytes, sha256 };
  }

  /** Stops the thread (pending digests are rejected). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
