/**
 * The maintenance window (`runbooks.upgrade.window` in the inventory), in the city's time zone:
 * waves start only inside it. A window past midnight (22:00–05:00) belongs to the day it starts
 * on: Saturday's window runs into Sunday morning.
 */
import type { Runbooks, Weekday } from '../../model/index.ts';

export const CITY_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const DAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

type Window = NonNullable<Runbooks['upgradeWindow']>;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The weekday and minute of the day at `t` in the city's time zone. */
function local(t: Date): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: CITY_TIME_ZONE,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as Weekday),
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** Whether `t` is inside the window (always, when there is none). */
export function insideWindow(window: Window | null, t: Date): boolean {
  if (!window) return true;
  const { day, minute } = local(t);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const on = (d: number) => window.days.includes(DAYS[(d + 7) % 7] as Weekday);
  if (from === to) return on(day); // the whole day
  if (from < to) return on(day) && minute >= from && minute < to;
  // past midnight: tonight's part, or the morning part of yesterday's window
  return (on(day) && minute >= from) || (on(day - 1) && minute < to);
}

/** The next time the window opens at or after `t` (a minute's resolution), or `t` inside it. */
export function nextOpening(window: Window | null, t: Date): Date {
  if (insideWindow(window, t)) return t;
  const start = new Date(Math.ceil(t.getTime() / 60_000) * 60_000);
  for (let m = 0; m <= 8 * 24 * 60; m++) {
    const at = new Date(start.getTime() + m * 60_000);
    if (insideWindow(window, at)) return at;
  }
  return start;
}

/** "sat, sun 22:00–05:00 Asia/Ho_Chi_Minh", for messages. */
export function describeWindow(window: Window | null): string {
  if (!window) return 'any time (no runbooks.upgrade.window in the inventory)';
  return `${window.days.join(', ')} ${window.from}–${window.to} ${CITY_TIME_ZONE}`;
}
