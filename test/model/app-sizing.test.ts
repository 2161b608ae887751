import { describe, expect, it } from 'vitest';
import { CONFIG_MAP_LIMIT, type PublicService, portalRoutingTables } from '../../model/index.ts';

const services = (n: number, from = 0): PublicService[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `svc-${String(from + i).padStart(6, '0')}`,
    name: `Service ${from + i}`,
    agency: 'stp',
    mode: i % 3 === 0 ? 'partial' : 'full',
    tier: 1 + (i % 3),
    path: `publicServices[svc-${from + i}]`,
  }));

const lineCount = (parts: { content: string }[]) =>
  parts.reduce((n, p) => n + p.content.split('\n').filter(Boolean).length - 1, 0);

describe('portalRoutingTables', () => {
  it('is one table, portal-routes, for a city the size of Ho Chi Minh City', () => {
    const parts = portalRoutingTables(services(740));
    expect(parts.map((p) => p.name)).toEqual(['portal-routes']);
    expect(parts[0]?.content.split('\n')[1]).toBe('svc-000000\tstp\tpartial\t1\tportal-tier-1');
  });

  it('splits a national catalogue into ConfigMaps under 1 MiB each, every service once', () => {
    const parts = portalRoutingTables(services(74_000));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p.content)).toBeLessThanOrEqual(CONFIG_MAP_LIMIT);
    expect(lineCount(parts)).toBe(74_000);
    expect(parts[0]?.name).toMatch(/^portal-routes-0+$/);
  });

  it('puts an added service in one part and changes no other', () => {
    const before = portalRoutingTables(services(74_000));
    const after = portalRoutingTables([...services(74_000), ...services(1, 900_000)]);
    expect(after.map((p) => p.name)).toEqual(before.map((p) => p.name));
    expect(after.filter((p, i) => p.content !== before[i]?.content)).toHaveLength(1);
  });
});
