/**
 * How often each fast reader of the diff was taken, and how often it fell back to parsing a file
 * whole. A fast reader that silently falls back still gives the right answer — only slowly — so
 * the tests read these counts to prove the fast path is taken on the files synth writes.
 */

export type Reader = 'terraform-stack' | 'model' | 'rules' | 'targets';

const zero = () => ({ fast: 0, whole: 0 });

export const readerStats: Record<Reader, { fast: number; whole: number }> = {
  'terraform-stack': zero(),
  model: zero(),
  rules: zero(),
  targets: zero(),
};

/** Counts one reading of a file by `reader`, fast or whole. */
export function countRead(reader: Reader, fast: boolean): void {
  readerStats[reader][fast ? 'fast' : 'whole']++;
}

/** Sets every count back to zero. */
export function resetReaderStats(): void {
  for (const r of Object.values(readerStats)) {
    r.fast = 0;
    r.whole = 0;
  }
}
