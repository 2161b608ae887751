/**
 * IPv4 prefixes as integer ranges, for allocation and overlap checks. Parsing, validation,
 * network alignment and formatting are ipaddr.js's; only offsets are integer arithmetic.
 */
import ipaddr from 'ipaddr.js';

export interface Range {
  /** First address, as an unsigned 32-bit integer. */
  readonly start: number;
  /** Prefix length. */
  readonly length: number;
  /** Number of addresses, 2^(32 - length). */
  readonly size: number;
}

const toInt = (ip: ipaddr.IPv4) => ip.toByteArray().reduce((n, byte) => n * 256 + byte, 0);

/**
 * The dotted address at an integer position. (Building an ipaddr.js object per address just to
 * print it cost ~30 ms for the 10x city's 40,000 addresses.)
 */
export function addressAt(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses `a.b.c.d/n`; throws on text that is not an IPv4 prefix. */
export function parsePrefix(cidr: string): Range & { aligned: boolean } {
  const [ip, length] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr);
  return { start: toInt(network), length, size: 2 ** (32 - length), aligned: toInt(ip) === toInt(network) };
}

/** `a.b.c.d/n` for a range. */
export const formatPrefix = (r: Pick<Range, 'start' | 'length'>) => `${addressAt(r.start)}/${r.length}`;

/** The range of `size` addresses (a power of two) at `start`. */
export const rangeOf = (start: number, size: number): Range => ({
  start,
  size,
  length: 32 - Math.log2(size),
});

/** Whether `inner` lies wholly inside `outer`. */
export const contains = (outer: Range, inner: Range) =>
  inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;

/** Whether two ranges share an address. */
export const overlaps = (a: Range, b: Range) => a.start < b.start + b.size && b.start < a.start + a.size;

/** The smallest power of two ≥ n (and ≥ 1). */
export const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * The free space of a range, filled first-fit with aligned power-of-two requests. Occupied
 * ranges are kept sorted, so a request costs one pass over them.
 */
export class FreeSpace {
  private readonly used: Range[] = [];

  constructor(readonly within: Range) {}

  /** Marks a range as taken (a pinned allocation). */
  take(r: Range): void {
    let i = this.used.length;
    while (i > 0 && (this.used[i - 1] as Range).start > r.start) i--;
    this.used.splice(i, 0, r);
  }

  /** The first free aligned range of `size` addresses, taken; null when there is no room. */
  allocate(size: number): Range | null {
    let cursor = this.within.start;
    const end = this.within.start + this.within.size;
    for (let i = 0; i <= this.used.length; i++) {
      const next = this.used[i];
      const gapEnd = next ? next.start : end;
      const start = Math.ceil(cursor / size) * size;
      if (start + size <= gapEnd && start + size <= end) {
        const r = rangeOf(start, size);
        this.used.splice(i, 0, r);
        return r;
      }
      if (next) cursor = Math.max(cursor, next.start + next.size);
    }
    return null;
  }

  /** Addresses taken so far. */
  get usedAddresses(): number {
    return this.used.reduce((sum, r) => sum + r.size, 0);
  }
}
