/**
 * A throw-away PostgreSQL cluster for the tests: Debian's server binaries run as the `postgres`
 * user, in a temporary folder, listening only on a Unix socket in that folder (no TCP port to
 * collide with anything), stopped and removed by `stop()`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresBin } from '../../exec/postgres-server.ts';

export { postgresBin } from '../../exec/postgres-server.ts';

export interface ThrowAwayPostgres {
  /** A connection string for the `postgres` superuser over the socket. */
  readonly url: string;
  stop(): void;
}

export function startPostgres(): ThrowAwayPostgres {
  const bin = postgresBin() as string;
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe', cwd: dir });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // a port number only names the socket file (.s.PGSQL.<port>); no TCP listener
  const port = 5432;
  asPostgres('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-c listen_addresses='' -c unix_socket_directories='${dir}' -p ${port} -c fsync=on`,
    'start',
  ]);
  return {
    url: `postgresql://postgres@/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
    stop: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
