/** Where the built-in city lives, wherever citycloud is run from. */
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { fromRoot } from '../../synth/project-root.ts';

export const BUILTIN_INVENTORY = fromRoot('inventory/city.yaml');
export const DEFAULT_OUT = 'out';
/** Where `monitor up` keeps the local stack's config, data, logs and pid files. */
export const DEFAULT_MONITOR_DIR = '.citycloud/monitor';
/**
 * Where the runbooks keep their lock and journals (the local store) unless --runs-dir names a
 * folder: the user's state folder, per city (XDG_STATE_HOME, else ~/.local/state), so two
 * checkouts of the inventory share one lock of the fleet instead of one each.
 */
export const defaultRunsDir = (cityCode: string): string =>
  join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'citycloud', 'runs', cityCode);
/**
 * The local restore drill's site (the stand-in shards and their archive), per city: beside the
 * runs folder, or under root in /var/lib/citycloud (PostgreSQL then runs as the postgres user,
 * who cannot reach into root's home).
 */
export const defaultDrillSite = (cityCode: string): string =>
  process.getuid?.() === 0
    ? join('/var/lib/citycloud/drill-site', cityCode)
    : join(
        process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'),
        'citycloud',
        'drill-site',
        cityCode,
      );
/** Where the restore drill writes its reports. */
export const DEFAULT_DRILL_REPORT_DIR = '.citycloud/restore-drill';
/** Where the capacity review writes its reports. */
export const DEFAULT_REVIEW_DIR = '.citycloud/capacity-review';
/** Where `monitor status` writes its page. */
export const DEFAULT_STATUS_FILE = '.citycloud/monitor-status.html';
/** Where synth keeps the stack parts it rendered, by content, for the next synth. */
export const DEFAULT_CACHE_DIR = '.citycloud/cache';

/** A path as the user would type it from the working folder. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
