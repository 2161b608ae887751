/**
 * Debian's PostgreSQL server programs, run as the owner of the clusters they act on: PostgreSQL
 * refuses to run as root, so under root (this machine, CI) they run as the `postgres` user
 * through `runuser`, and the folders they own are handed to it first.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Ran, runArgv } from './run-argv.ts';

/** The newest installed server's programs, e.g. /usr/lib/postgresql/15/bin, or null. */
export function postgresBin(root = '/usr/lib/postgresql'): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** Who runs the server programs: the `postgres` user under root, else whoever runs citycloud. */
export interface ClusterOwner {
  readonly bin: string;
  /** The uid and gid the clusters' folders must belong to; null: the current user's. */
  readonly ids: { readonly uid: number; readonly gid: number } | null;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The server programs and their owner, or a reason they cannot run here. */
export function clusterOwner(): ClusterOwner | { problem: string } {
  const bin = postgresBin();
  if (!bin) return { problem: 'PostgreSQL is not installed (apt-get install postgresql)' };
  if (!isRoot()) return { bin, ids: null };
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { bin, ids: { uid: id('-u'), gid: id('-g') } };
  } catch {
    return { problem: 'running as root, and there is no postgres user to run PostgreSQL as' };
  }
}

/** Hands a folder (not its contents) or a file to the clusters' owner. */
export function ownFolder(owner: ClusterOwner, dir: string): void {
  if (owner.ids) chownSync(dir, owner.ids.uid, owner.ids.gid);
}

/** Runs a program as the clusters' owner, in UTC and the C locale. */
export function runAsOwner(
  owner: ClusterOwner,
  argv: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> {
  const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C', ...options.env };
  const as = owner.ids ? ['runuser', '-u', 'postgres', '--', ...argv] : argv;
  return runArgv(as, { env, ...(options.cwd ? { cwd: options.cwd } : {}) });
}

/** Runs one of the server's programs (`pg_ctl`, `initdb`…) as the clusters' owner. */
export const runPostgresTool = (
  owner: ClusterOwner,
  tool: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> => runAsOwner(owner, [join(owner.bin, tool), ...args], options);
