/** The city's clock: Asia/Ho_Chi_Minh, UTC+7, with no daylight saving. */
import { BACKUP_SCHEDULE } from './schema.ts';

/** Seconds the city's clock is ahead of UTC. */
export const CITY_UTC_OFFSET = 7 * 3600;

const DAY = 86_400;

/** The unix time of the city midnight that starts the city day holding `t`. */
export const cityMidnight = (t: number): number =>
  Math.floor((t + CITY_UTC_OFFSET) / DAY) * DAY - CITY_UTC_OFFSET;

/**
 * A daily, weekly or monthly cron schedule (`M H dom * dow`) of the city's clock, as UTC's — the
 * clock a container's cron keeps —, or null when UTC cannot say it: day 1 of the month before
 * 07:00 in the city is the previous month's last day in UTC.
 */
export function utcSchedule(schedule: string): string | null {
  const m = BACKUP_SCHEDULE.exec(schedule);
  if (!m) return null;
  const [, minute, hour, day, weekday] = m as unknown as [string, string, string, string, string];
  const shifted = Number(hour) - CITY_UTC_OFFSET / 3600;
  const back = shifted < 0 ? 1 : 0;
  const h = shifted + back * 24;
  if (day !== '*') return Number(day) - back < 1 ? null : `${minute} ${h} ${Number(day) - back} * *`;
  if (weekday !== '*') return `${minute} ${h} * * ${(Number(weekday) - back + 7) % 7}`;
  return `${minute} ${h} * * *`;
}
