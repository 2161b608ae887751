import { describe, expect, it } from 'vitest';
import {
  addressAt,
  contains,
  FreeSpace,
  formatPrefix,
  overlaps,
  parsePrefix,
  rangeOf,
} from '../../model/ipv4.ts';

describe('ipv4', () => {
  it('parses prefixes into ranges and says whether they are network addresses', () => {
    expect(parsePrefix('10.32.0.0/11')).toEqual({
      start: 169869312,
      length: 11,
      size: 2 ** 21,
      aligned: true,
    });
    expect(parsePrefix('10.32.0.5/24')).toMatchObject({ start: 169869312, aligned: false });
    expect(() => parsePrefix('10.0.0.0/33')).toThrow();
  });

  it('formats ranges and addresses', () => {
    expect(formatPrefix(rangeOf(parsePrefix('192.168.1.0/24').start + 64, 64))).toBe('192.168.1.64/26');
    expect(addressAt(2 ** 32 - 1)).toBe('255.255.255.255');
  });

  it('tells containment and overlap', () => {
    const a = parsePrefix('10.0.0.0/24');
    expect(contains(a, parsePrefix('10.0.0.128/25'))).toBe(true);
    expect(contains(a, parsePrefix('10.0.1.0/25'))).toBe(false);
    expect(overlaps(a, parsePrefix('10.0.0.255/32'))).toBe(true);
    expect(overlaps(a, parsePrefix('10.0.1.0/32'))).toBe(false);
  });

  it('allocates first-fit, aligned, around what is taken, and says when there is no room', () => {
    const space = new FreeSpace(parsePrefix('10.0.0.0/24'));
    space.take(parsePrefix('10.0.0.64/26'));
    const p = (size: number) => {
      const r = space.allocate(size);
      return r && formatPrefix(r);
    };
    expect(p(32)).toBe('10.0.0.0/27');
    expect(p(64)).toBe('10.0.0.128/26'); // 10.0.0.32 is free but not aligned for a /26
    expect(p(32)).toBe('10.0.0.32/27');
    expect(p(64)).toBe('10.0.0.192/26');
    expect(p(4)).toBeNull();
    expect(space.usedAddresses).toBe(256);
  });
});
