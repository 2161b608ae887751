import { appendFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandFiles, currentBuild } from '../../bin/current-build.mjs';
import { tempDir } from '../helpers/city.ts';

/** A checkout with one source file and a build record of it as it is now. */
function checkout(): string {
  const root = tempDir();
  mkdirSync(join(root, 'model'));
  mkdirSync(join(root, 'dist'));
  mkdirSync(join(root, 'scripts', 'commands', 'runbook'), { recursive: true });
  writeFileSync(join(root, 'model', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'scripts', 'commands', 'runbook', 'status.ts'), 'export const command = {};\n');
  const s = statSync(join(root, 'model', 'a.ts'));
  writeFileSync(
    join(root, 'dist', 'build.json'),
    JSON.stringify({
      entries: { citycloud: 'scripts/citycloud.ts' },
      inputs: { 'model/a.ts': { size: s.size, mtimeMs: s.mtimeMs } },
      commands: commandFiles(root),
    }),
  );
  return root;
}

describe('the build in dist/', () => {
  it('is run while every source it was built from is as it was', () => {
    const root = checkout();
    expect(currentBuild(root)).toBe(join(root, 'dist', 'citycloud.mjs'));
  });

  it('is not run after a source changed, when one is gone, a command module added or removed, for an entry it lacks, or with no record', () => {
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
    // the command line finds its commands by listing their folder: one added or removed is not in the build
    const added = checkout();
    writeFileSync(join(added, 'scripts', 'commands', 'runbook', 'drill.ts'), 'export const command = {};\n');
    expect(currentBuild(added)).toBeNull();
    const gone = checkout();
    rmSync(join(gone, 'scripts', 'commands', 'runbook', 'status.ts'));
    expect(currentBuild(gone)).toBeNull();
    const garbled = checkout();
    writeFileSync(join(garbled, 'dist', 'build.json'), '{"entries":');
    expect(currentBuild(garbled)).toBeNull();
  });
});
