import { describe, expect, it } from 'vitest';
import type { Weekday } from '../../model/index.ts';
import { describeWindow, insideWindow, nextOpening } from '../../runbooks/engine/maintenance-window.ts';

// Asia/Ho_Chi_Minh is UTC+7 all year
const at = (iso: string) => new Date(iso);
const nightly = (days: Weekday[]) => ({ days, from: '22:00', to: '05:00', path: 'runbooks.upgrade.window' });

describe('the maintenance window, in Asia/Ho_Chi_Minh', () => {
  it('is always open when the inventory sets none', () => {
    expect(insideWindow(null, at('2026-12-02T05:00:00Z'))).toBe(true);
  });

  it('opens at 22:00 city time on its days and runs past midnight into the next morning', () => {
    const w = nightly(['sat']);
    // Saturday 2026-12-05 21:59 and 22:00 in the city = 14:59 and 15:00 UTC
    expect(insideWindow(w, at('2026-12-05T14:59:00Z'))).toBe(false);
    expect(insideWindow(w, at('2026-12-05T15:00:00Z'))).toBe(true);
    // Sunday 04:59 still belongs to Saturday's window; 05:00 does not
    expect(insideWindow(w, at('2026-12-05T21:59:00Z'))).toBe(true);
    expect(insideWindow(w, at('2026-12-05T22:00:00Z'))).toBe(false);
    // Sunday 22:00 is not a window day
    expect(insideWindow(w, at('2026-12-06T15:00:00Z'))).toBe(false);
  });

  it('finds the next opening', () => {
    const w = nightly(['sat']);
    expect(nextOpening(w, at('2026-12-02T00:00:00Z')).toISOString()).toBe('2026-12-05T15:00:00.000Z');
    expect(describeWindow(w)).toBe('sat 22:00–05:00 Asia/Ho_Chi_Minh');
  });

  it('takes a daytime window and a whole day', () => {
    const day = { days: ['mon' as const], from: '09:00', to: '11:00', path: 'w' };
    expect(insideWindow(day, at('2026-11-30T02:30:00Z'))).toBe(true); // Monday 09:30
    expect(insideWindow(day, at('2026-11-30T04:00:00Z'))).toBe(false); // Monday 11:00
    const all = { days: ['tue' as const], from: '00:00', to: '24:00', path: 'w' };
    expect(insideWindow(all, at('2026-12-01T16:59:00Z'))).toBe(true); // Tuesday 23:59
    expect(insideWindow(all, at('2026-12-01T17:00:00Z'))).toBe(false); // Wednesday 00:00
  });
});
