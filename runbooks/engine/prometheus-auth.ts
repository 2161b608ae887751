/**
 * Where a Prometheus behind basic auth gets its credentials: never the command line (`ps` shows
 * it to every user of the machine, and a URL is journaled), but a netrc-style file
 * (`--prometheus-auth-file`, curl's and ftp's format: `machine HOST login USER password PASS`,
 * or `default login … password …`) or the environment (CITYCLOUD_PROMETHEUS_AUTH=user:password).
 * The credentials live in memory only; what is printed or written is the URL without them.
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../../model/index.ts';

export const PROMETHEUS_AUTH_ENV = 'CITYCLOUD_PROMETHEUS_AUTH';
const MAX_NETRC_BYTES = 64 * 1024;

/** A credential source that cannot be used: one line, what to do. */
export class PrometheusAuthError extends UserError {
  /** Exit 2: bad usage. */
  readonly exitCode = 2;
}

interface Credentials {
  readonly login: string;
  readonly password: string;
}

/** The login and password a netrc-style text gives `host` (its machine entry, else its default). */
export function netrcCredentials(text: string, host: string, file: string): Credentials | null {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const entries: { machine: string | null; login?: string; password?: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const value = () => {
      const v = tokens[++i];
      if (v === undefined) throw new PrometheusAuthError(`${file}: "${t}" at the end has no value`);
      return v;
    };
    if (t === 'machine') entries.push({ machine: value() });
    else if (t === 'default') entries.push({ machine: null });
    else if (t === 'login' || t === 'password' || t === 'account') {
      const entry = entries.at(-1);
      if (!entry) throw new PrometheusAuthError(`${file}: "${t}" before any machine or default`);
      const v = value();
      if (t !== 'account') entry[t] = v;
    } else if (t === 'macdef')
      throw new PrometheusAuthError(
        `${file}: macdef is not supported; keep only machine, login and password`,
      );
    else
      throw new PrometheusAuthError(
        `${file}: "${t.slice(0, 40)}" is not a netrc keyword (machine, default, login, password)`,
      );
  }
  const entry =
    entries.find((e) => e.machine !== null && e.machine.toLowerCase() === host.toLowerCase()) ??
    entries.find((e) => e.machine === null);
  if (!entry) return null;
  if (entry.login === undefined || entry.password === undefined)
    throw new PrometheusAuthError(
      `${file}: the entry for ${entry.machine ?? 'default'} needs both login and password`,
    );
  return { login: entry.login, password: entry.password };
}

/** Reads a credentials file: a regular file, small, readable by its owner only (as ssh asks of keys). */
function readSecretFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new PrometheusAuthError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PrometheusAuthError(`${file}: not a regular file`);
    if ((st.mode & 0o077) !== 0)
      throw new PrometheusAuthError(
        `${file}: other users may read it (mode ${(st.mode & 0o777).toString(8)}); make it private with chmod 600`,
      );
    if (st.size > MAX_NETRC_BYTES)
      throw new PrometheusAuthError(`${file}: over ${MAX_NETRC_BYTES} bytes; not a netrc file`);
    const buf = Buffer.alloc(st.size);
    readSync(fd, buf, 0, st.size, 0);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The URL the queries use (credentials in it, in memory only) and the URL that may be shown and
 * written. A URL given with a password in it is refused: it has been seen by `ps` already.
 */
export function prometheusWithAuth(
  url: string,
  options: { authFile?: string | undefined; env?: NodeJS.ProcessEnv },
): { readonly query: string; readonly shown: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PrometheusAuthError(
      `--prometheus ${JSON.stringify(url.slice(0, 80))} is not a URL (such as http://127.0.0.1:9090)`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new PrometheusAuthError(`--prometheus must be an http:// or https:// URL, not ${u.protocol}`);
  if (u.username || u.password) {
    u.username = '';
    u.password = '';
    throw new PrometheusAuthError(
      `--prometheus carries credentials, which every user sees in ps and which would be written down; give ${u.toString()} and put them in a file named by --prometheus-auth-file (netrc: machine ${u.hostname} login USER password PASS) or in ${PROMETHEUS_AUTH_ENV}=user:password`,
    );
  }
  const shown = u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  let creds: Credentials | null = null;
  if (options.authFile !== undefined) {
    creds = netrcCredentials(readSecretFile(options.authFile), u.hostname, options.authFile);
    if (!creds)
      throw new PrometheusAuthError(`${options.authFile}: no entry for ${u.hostname} and no default entry`);
  } else {
    const env = (options.env ?? process.env)[PROMETHEUS_AUTH_ENV];
    if (env !== undefined && env !== '') {
      const colon = env.indexOf(':');
      if (colon < 1) throw new PrometheusAuthError(`${PROMETHEUS_AUTH_ENV} must be user:password`);
      creds = { login: env.slice(0, colon), password: env.slice(colon + 1) };
    }
  }
  if (!creds) return { query: shown, shown };
  const q = new URL(shown);
  q.username = encodeURIComponent(creds.login);
  q.password = encodeURIComponent(creds.password);
  return { query: q.toString(), shown };
}
