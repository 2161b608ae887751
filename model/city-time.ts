/** The city's clock: Asia/Ho_Chi_Minh, UTC+7, with no daylight saving. */

/** Seconds the city's clock is ahead of UTC. */
export const CITY_UTC_OFFSET = 7 * 3600;

const DAY = 86_400;

/** The unix time of the city midnight that starts the city day holding `t`. */
export const cityMidnight = (t: number): number =>
  Math.floor((t + CITY_UTC_OFFSET) / DAY) * DAY - CITY_UTC_OFFSET;
