// Whether dist/ (scripts/build.mjs) was built from the sources as they are now: every source file
// the build read has the size and time of change it had then. One stat per file, a few ms.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The path of the built entry `entry` in `root`/dist when the build is current, or null (no
 * build, an unreadable record, a source changed or removed since; a new source counts through
 * the file that imports it).
 */
export function currentBuild(root, entry = 'citycloud') {
  let record;
  try {
    record = JSON.parse(readFileSync(join(root, 'dist', 'build.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!record?.entries?.[entry] || typeof record.inputs !== 'object') return null;
  for (const [path, was] of Object.entries(record.inputs)) {
    let now;
    try {
      now = statSync(join(root, path));
    } catch {
      return null;
    }
    if (now.size !== was.size || now.mtimeMs !== was.mtimeMs) return null;
  }
  return join(root, 'dist', `${entry}.mjs`);
}
