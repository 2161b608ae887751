/**
 * One drill at a time on a local site: its stand-ins, scratch copies and archive are shared by
 * every run pointed at it, whatever runs folder each journals in. The lock is a file created
 * exclusively (nothing, a link included, may be in its place) naming the drill and its process;
 * a holder whose process is gone from this host leaves it to the resume of its own drill only.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../../exec/pid-alive.ts';
import { UserError } from '../../model/index.ts';

/** The site is another drill's now. */
export class SiteBusy extends UserError {
  /** Exit 75: try again once the other drill is over. */
  readonly exitCode = 75;
}

interface Holder {
  readonly drill: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const LOCK = '.drill-lock.json';

function holderOf(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof h.drill === 'string' && Number.isSafeInteger(h.pid) && typeof h.host === 'string'
      ? (h as Holder)
      : null;
  } catch {
    return null;
  }
}

function create(file: string, me: Holder): boolean {
  try {
    const fd = openSync(file, 'wx', 0o644);
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Takes the site for `drill`; returns what gives it back. Refused (SiteBusy) while another
 * drill's process runs, or when a drill killed on it is not this one (its scratch copy may be
 * there still: resume that drill).
 */
export function lockSite(site: string, drill: string): () => void {
  const file = join(site, LOCK);
  const me: Holder = { drill, pid: process.pid, host: hostname(), since: new Date().toISOString() };
  if (!create(file, me)) {
    const h = holderOf(file);
    const dead = h !== null && h.host === me.host && !pidAlive(h.pid);
    if (!(dead && h?.drill === drill))
      throw new SiteBusy(
        h === null
          ? `${file} is there but is not a drill's lock: make sure no drill runs on ${site}, then remove it`
          : dead
            ? `drill ${h.drill} was stopped on ${site} (pid ${h.pid} is gone) and may have left its scratch copy: resume it (citycloud runbook restore-drill --resume RUN), or remove ${file} once you have checked`
            : `drill ${h.drill} runs on ${site} (pid ${h.pid} on ${h.host}, since ${h.since}): one drill at a time on a site`,
      );
    // its own drill's lock, left by a process that is gone: the resume takes it over
    rmSync(file, { force: true });
    if (!create(file, me)) throw new SiteBusy(`another drill took ${site} while this one resumed; try again`);
  }
  return () => {
    const h = holderOf(file);
    if (h && h.pid === me.pid && h.drill === drill) rmSync(file, { force: true });
  };
}
