/**
 * The parsers of option values, one per kind of value. Each returns the value or throws
 * commander's InvalidArgumentError, which commander prints after the option's name (exit 2).
 * Numbers are written in decimal digits only: no empty value, sign, exponent or hexadecimal.
 */
import { InvalidArgumentError } from 'commander';

const WHOLE = /^\d{1,15}$/;
const DECIMAL = /^\d{1,15}(?:\.\d{1,15})?$/;

/** A whole number from `min` to `max`: `expected <what> from <min> to <max>` otherwise. */
export const wholeNumber =
  (what: string, min: number, max: number) =>
  (value: string): number => {
    const n = WHOLE.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}`);
    return n;
  };

/** A decimal number from `min` (excluded when `above`) to `max`, e.g. a time scale or a share. */
export const decimal =
  (what: string, min: number, max: number, { above = false } = {}) =>
  (value: string): number => {
    const n = DECIMAL.test(value.trim()) ? Number(value) : Number.NaN;
    if (!((above ? n > min : n >= min) && n <= max))
      throw new InvalidArgumentError(`expected ${what} from ${min}${above ? ' (excluded)' : ''} to ${max}`);
    return n;
  };

/** A TCP port. */
export const port = wholeNumber('a port number', 1, 65535);

/** Ports separated by commas: `9190,9191`. */
export const portList = (value: string): number[] => value.split(',').map((p) => port(p));

/** A day of the calendar from 1970 to 2999, `YYYY-MM-DD`, as the Unix seconds of its midnight UTC. */
export function day(value: string): number {
  const t = /^(19[7-9]\d|2\d{3})-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March 2: only a day that prints back as given is one
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== value)
    throw new InvalidArgumentError('expected a day of the calendar such as 2026-12-01');
  return t / 1000;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration — `90s`, `30m`, `12h`, `7d`, or a number of seconds — from `min` to `max` (both in
 * milliseconds), in milliseconds.
 */
export const duration =
  (min: number, max: number) =>
  (value: string): number => {
    const m = /^(\d{1,15}(?:\.\d{1,15})?)([smhd]?)$/.exec(value.trim());
    const ms = m ? Number(m[1]) * (UNIT_MS[m[2] || 's'] as number) : Number.NaN;
    if (!(ms >= min && ms <= max))
      throw new InvalidArgumentError(
        `expected a duration such as 90s, 30m, 12h or 7d, from ${min / 1000} s to ${max / 86_400_000} days`,
      );
    return ms;
  };

/**
 * An instant in ISO 8601 with its zone, `2026-12-05T08:30:00Z` or `…+07:00`, from 2000 to 2999,
 * as the ISO text of that instant in UTC.
 */
export function instant(value: string): string {
  const ok = /^2\d{3}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)$/.test(value.trim());
  const t = ok ? Date.parse(value.trim()) : Number.NaN;
  if (!Number.isFinite(t))
    throw new InvalidArgumentError('expected an instant such as 2026-12-05T08:30:00+07:00');
  return new Date(t).toISOString();
}
