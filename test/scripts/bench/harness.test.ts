import { describe, expect, it } from 'vitest';
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

  it('measures the median of the runs', () => {
    let calls = 0;
    const m = measure(() => calls++, 2, 5);
    expect(calls).toBe(7);
    expect(m.medianMs).toBeGreaterThanOrEqual(0);
    expect(m.peakRssMB).toBeGreaterThan(10);
  });
});
