// Whether dist/ (scripts/build.mjs) was built from the sources as they are now: every source file
// the build read has the size and time of change it had then, and the command modules are the
// ones it bundled. One stat per file, a few ms.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the command line's modules are: each file that exports `command` is one citycloud command. */
export const COMMANDS_DIR = 'scripts/commands';

/**
 * The TypeScript files under `root`/scripts/commands, relative to it with forward slashes, sorted:
 * what the command line loads (scripts/citycloud.ts) and what the build bundles and records.
 */
export function commandFiles(root) {
  return readdirSync(join(root, COMMANDS_DIR), { recursive: true, encoding: 'utf8' })
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
}

/**
 * The path of the built entry `entry` in `root`/dist when the build is current, or null (no
 * build, an unreadable record, a source changed or removed since, a command module added or
 * removed since; any other new source counts through the file that imports it).
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
  let commands;
  try {
    commands = commandFiles(root);
  } catch {
    return null;
  }
  if (JSON.stringify(commands) !== JSON.stringify(record.commands)) return null;
  return join(root, 'dist', `${entry}.mjs`);
}
