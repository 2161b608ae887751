import { describe, expect, it, vi } from 'vitest';
import { formatTable, measure } from '../../../scripts/bench/harness.ts';

describe('bench harness', () => {
  it('prints rows as an aligned table with the peer, the ratio and the target', () => {
    const table = formatTable([
      {
        name: 'model:1x',
        unit: 'ms',
        value: 120.5,
        peer: 'floor',
        peerValue: 100,
        ratio: 1.205,
        peakRssMB: 140,
        peerPeakRssMB: 130,
        target: 'ratio ≤ 3',
        met: true,
      },
      {
        name: 'model:10x',
        unit: 'ms',
        value: 1500,
        peer: 'floor',
        peerValue: 400,
        ratio: 3.75,
        target: 'ratio ≤ 3',
        met: false,
      },
    ]).split('\n');
    expect(table[0]).toMatch(
      /^bench\s+value\s+peak RSS\s+peer\s+peer value\s+peer RSS\s+ratio\s+target\s+note$/,
    );
    expect(table[2]).toMatch(
      /^model:1x\s+120\.5 ms\s+140 MB\s+floor\s+100\.0 ms\s+130 MB\s+1\.21x\s+✓ ratio ≤ 3$/,
    );
    expect(table[3]).toMatch(/^model:10x\s+1500\.0 ms\s+floor\s+400\.0 ms\s+3\.75x\s+✗ ratio ≤ 3$/);
  });

  it('measures the median of the runs, after the warm-ups', () => {
    // a clock that makes the five runs take 5, 1, 9, 3 and 7 ms: the median is 5, whatever order
    const clock = [0, 5, 10, 11, 20, 29, 30, 33, 40, 47];
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock.shift() as number);
    let calls = 0;
    try {
      const m = measure(() => calls++, 2, 5);
      expect(calls).toBe(7);
      expect(m.medianMs).toBe(5);
      expect(m.peakRssMB).toBeGreaterThan(10);
    } finally {
      now.mockRestore();
    }
    expect(clock).toEqual([]);
  });
});
