/**
 * The citycloud checkout: the folder of its package.json, found from this module whether it runs
 * from the sources or bundled into dist/ (where paths relative to a module's own file differ).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'citycloud'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no citycloud package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the checkout, from forward-slashed segments: `fromRoot('inventory/city.yaml')`. */
export const fromRoot = (path: string): string => join(PROJECT_ROOT, ...path.split('/'));
