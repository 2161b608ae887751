/** The layout rule (.dependency-cruiser.cjs) holds for the project, and fails a wrong import by name. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/city.ts';

const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const cruise = (cwd: string, folders: string[]) =>
  spawnSync(DEPCRUISE, [...folders, '--config', join(ROOT, '.dependency-cruiser.cjs')], {
    cwd,
    encoding: 'utf8',
  });

describe('the layout rule', () => {
  it('holds for citycloud itself', () => {
    const r = cruise(ROOT, [
      'model',
      'view',
      'constructs',
      'stacks',
      'network',
      'monitoring',
      'synth',
      'deploy',
      'scripts',
    ]);
    expect(r.stdout).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it.each([
    ['model', 'stacks', 'model-imports-only-itself'],
    ['view', 'synth', 'view-imports-only-model'],
    ['network', 'stacks', 'network-imports-only-model-view'],
    ['stacks', 'synth', 'stacks-imports-only-model-view-constructs'],
  ])('fails an import from %s/ up to %s/, naming the rule', (from, to, rule) => {
    const dir = tempDir();
    copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    for (const folder of [from, to]) mkdirSync(join(dir, folder));
    writeFileSync(join(dir, to, 'above.ts'), 'export const above = 1;\n');
    writeFileSync(
      join(dir, from, 'below.ts'),
      `import { above } from '../${to}/above.ts';\nexport const below = above;\n`,
    );
    const r = cruise(dir, [from, to]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`error ${rule}: ${from}/below.ts → ${to}/above.ts`);
  });
});
