/** The layout rule (.dependency-cruiser.cjs) holds for the project, and fails a wrong import by name. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/city.ts';

const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const cruise = (cwd: string, folders: string[]) =>
  spawnSync(DEPCRUISE, [...folders, '--config', join(ROOT, '.dependency-cruiser.cjs')], {
    cwd,
    encoding: 'utf8',
  });

/** The folders of the rule, in order, and what each may import (.dependency-cruiser.cjs). */
function cruiserFolders(): [string, string[]][] {
  const text = readFileSync(join(ROOT, '.dependency-cruiser.cjs'), 'utf8');
  const block = (text.match(/^const FOLDERS = \{\n([\s\S]*?)\n\};/m) as RegExpMatchArray)[1] as string;
  return block.split('\n').map((line) => {
    const [, folder, list] = line.match(/^ {2}(\w+): \[(.*)\],$/) as RegExpMatchArray;
    return [folder as string, [...(list as string).matchAll(/'(\w+)'/g)].map((m) => m[1] as string)];
  });
}

/** A document's table of folders: folder → what it may import, as the rule reads it. */
function documentedFolders(file: string, order: readonly string[]): Map<string, string[]> {
  const rows = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^\| `(\w+)\/` \|.*\| ([^|]+) \|$/gm)];
  return new Map(
    rows.map((r) => {
      const folder = r[1] as string;
      const cell = (r[2] as string).trim();
      const allowed =
        cell === 'nothing of ours'
          ? []
          : cell === 'all of the above'
            ? order.slice(0, order.indexOf(folder))
            : cell.split(',').map((x) => x.trim());
      return [folder, allowed];
    }),
  );
}

describe('the layout rule', () => {
  it.each(['README.md', 'docs/architecture.md'])('is what %s’s table of folders says', (file) => {
    const rule = cruiserFolders();
    const documented = documentedFolders(
      file,
      rule.map(([f]) => f),
    );
    for (const [folder, allowed] of rule)
      expect(documented.get(folder)?.slice().sort(), `${file}: ${folder}/ may import`).toEqual(
        allowed.slice().sort(),
      );
  });

  it('holds for citycloud itself', () => {
    const r = cruise(ROOT, [
      'exec',
      'model',
      'view',
      'constructs',
      'stacks',
      'network',
      'monitoring',
      'synth',
      'audit',
      'deploy',
      'runbooks',
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
