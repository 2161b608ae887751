/** Durations on the command line: `90s`, `30m`, `12h`, `7d`, or a number of seconds. */
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration between `min` and `max` (both in ms); commander's InvalidArgumentError otherwise. */
export function parseDuration(value: string, min: number, max: number): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] || 's'] as number) : Number.NaN;
  if (!(ms >= min && ms <= max))
    throw new InvalidArgumentError(
      `expected a duration such as 90s, 30m, 12h or 7d, from ${min / 1000} s to ${max / 86_400_000} days`,
    );
  return ms;
}
