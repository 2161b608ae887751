import { appendFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentBuild } from '../../bin/current-build.mjs';
import { tempDir } from '../helpers/city.ts';

/** A checkout with one source file and a build record of it as it is now. */
function checkout(): string {
  const root = tempDir();
  mkdirSync(join(root, 'model'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'model', 'a.ts'), 'export const a = 1;\n');
  const s = statSync(join(root, 'model', 'a.ts'));
  writeFileSync(
    join(root, 'dist', 'build.json'),
    JSON.stringify({
      entries: { citycloud: 'scripts/citycloud.ts' },
      inputs: { 'model/a.ts': { size: s.size, mtimeMs: s.mtimeMs } },
    }),
  );
  return root;
}

describe('the build in dist/', () => {
  it('is run while every source it was built from is as it was', () => {
    const root = checkout();
    expect(currentBuild(root)).toBe(join(root, 'dist', 'citycloud.mjs'));
  });

  it('is not run after a source changed, when one is gone, for an entry it lacks, or with no record', () => {
    const changed = checkout();
    appendFileSync(join(changed, 'model', 'a.ts'), 'export const b = 2;\n');
    expect(currentBuild(changed)).toBeNull();
    const removed = checkout();
    rmSync(join(removed, 'model', 'a.ts'));
    expect(currentBuild(removed)).toBeNull();
    expect(currentBuild(checkout(), 'offsite-job')).toBeNull();
    const unbuilt = checkout();
    rmSync(join(unbuilt, 'dist'), { recursive: true });
    expect(currentBuild(unbuilt)).toBeNull();
    const garbled = checkout();
    writeFileSync(join(garbled, 'dist', 'build.json'), '{"entries":');
    expect(currentBuild(garbled)).toBeNull();
  });
});
