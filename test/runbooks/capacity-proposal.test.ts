/**
 * The capacity proposal on its own, from reviews made by the real forecast on synthetic history:
 * a warehouse filling its volumes gets larger volumes while its servers' disks hold them, else
 * more shards; a district hub faster uplinks; the edited inventory validates, its comments kept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type CityModel, loadCity } from '../../model/index.ts';
import type { ResourceReview, Review } from '../../runbooks/capacity/capacity-review.ts';
import { forecast } from '../../runbooks/capacity/forecast.ts';
import { applyProposal, proposeChanges } from '../../runbooks/capacity/proposal.ts';
import { reviewedResources } from '../../runbooks/capacity/reviewed-resources.ts';
import { BUILTIN_CITY, writeCity } from '../helpers/city.ts';

const DAY = 86_400;
const NOW = Date.UTC(2026, 11, 2) / 1000;
const load = loadCity(BUILTIN_CITY);
const model = load.model as CityModel;

/** A review where only `id` of `kind` grows, from `level` by `slope` a day. */
function reviewOf(kind: string, id: string, level: number, slope: number): Review {
  const resource = reviewedResources(model, { storageThreshold: 0.8 }).find(
    (r) => r.kind === kind && r.id === id,
  ) as ResourceReview['resource'];
  const daily = Array.from({ length: 90 }, (_, i) => ({
    day: NOW - (90 - i) * DAY,
    p95: level + slope * (i - 89),
  }));
  const f = forecast(daily, resource.threshold);
  return {
    generatedAt: new Date(NOW * 1000).toISOString(),
    prometheus: 'http://127.0.0.1:9090',
    days: 90,
    horizonDays: 180,
    queries: [],
    samples: 0,
    toCome: [],
    backupTargets: [],
    backupChangeSharePerDay: 0.01,
    resources: [
      {
        resource,
        forecast: f,
        now: (f.daily.at(-1) as { p95: number }).p95,
        dropped: 0,
        crosses: null,
        runsShort: (f.daysToCross ?? 999) <= 180,
      },
    ],
    unforecastable: [],
  };
}

const edited = (review: Review) => {
  const proposal = proposeChanges(model, load.sources, review);
  const root = dirname(BUILTIN_CITY);
  const files = applyProposal(proposal, (file) => ({
    text: readFileSync(join(root, file), 'utf8'),
    doc: (load.sources.files.find((f) => f.relativePath === file) ?? load.sources.root).doc,
  }));
  return { proposal, files };
};

/** The rules the built-in inventory with these files edited breaks (none: it validates). */
function validates(files: ReadonlyMap<string, { after: string }>): string[] {
  const dir = dirname(BUILTIN_CITY);
  const names = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const copy = writeCity(
    Object.fromEntries(
      [...names]
        .sort((a, b) => (a === 'city.yaml' ? -1 : b === 'city.yaml' ? 1 : 0))
        .map((f) => [f, files.get(f)?.after ?? readFileSync(join(dir, f), 'utf8')]),
    ),
  );
  return loadCity(copy)
    .findings.filter((f) => f.level === 'error')
    .map((f) => f.rule);
}

describe('the capacity proposal', () => {
  it('gives a warehouse filling its volumes larger ones, as far as its servers’ disks hold them', () => {
    // population: 16 shards × 2 replicas of 12 TiB on 14 TiB of NVMe, at 70% and +0.1 pt a day: at the
    // horizon 88% of 12 TiB, kept under 98% of the 80% threshold: 13.5 TiB of the 14 it may have
    const { proposal, files } = edited(reviewOf('warehouse-storage', 'population', 0.7, 0.001));
    expect(proposal.changes.map((c) => c.summary)).toEqual([
      'warehouse population: volumes of 13.5 TiB per replica (from 12)',
    ]);
    const after = files.get('warehouses.yaml')?.after ?? '';
    expect(after).toMatch(/storagePerReplicaTiB: 13\.5\b/);
    // the file's comments stay where they were
    const before = files.get('warehouses.yaml')?.before ?? '';
    expect(after.split('\n').filter((l) => l.trimStart().startsWith('#'))).toEqual(
      before.split('\n').filter((l) => l.trimStart().startsWith('#')),
    );
  });

  it('adds shards when a replica would outgrow its servers’ disks, and the servers they need', () => {
    const { proposal, files } = edited(reviewOf('warehouse-storage', 'population', 0.78, 0.004));
    expect(proposal.changes[0]?.summary).toMatch(
      /^warehouse population: \d+ shards \(from 16\): a replica would need more than the 14\.0 TiB its servers hold; and pool wh-population: add \d+ r750xd servers in \d+ racks/,
    );
    expect(files.get('warehouses.yaml')?.after).toMatch(/shards: \d+/);
    // more shards are more requests on the pool: without its new servers CC005 refuses them
    expect(validates(files)).toEqual([]);
    const shardsOnly = new Map([...files].filter(([file]) => file === 'warehouses.yaml'));
    expect(validates(shardsOnly)).toContain('CC005');
  });

  it('keeps a file’s byte-order mark and CRLF line endings: only the edited line differs', () => {
    const review = reviewOf('warehouse-storage', 'population', 0.7, 0.001);
    const proposal = proposeChanges(model, load.sources, review);
    const text = `\uFEFF${readFileSync(join(dirname(BUILTIN_CITY), 'warehouses.yaml'), 'utf8').replace(/\n/g, '\r\n')}`;
    const files = applyProposal(proposal, () => ({ text, doc: parseDocument(text) }));
    const { before, after } = files.get('warehouses.yaml') as { before: string; after: string };
    expect(after.startsWith('\uFEFF')).toBe(true);
    const a = before.split('\r\n');
    const b = after.split('\r\n');
    expect(b).toHaveLength(a.length);
    expect(a.filter((line, i) => line !== b[i])).toHaveLength(1);
  });

  it('gives a district hub running short the next link speed, on its own uplinks, backup included', () => {
    const uplink = reviewedResources(model, { storageThreshold: 0.8 }).find((r) => r.kind === 'uplink');
    const cap = uplink?.threshold as number;
    // 9 Gbit/s of 10 and rising: 25 Gbit/s carries it through the horizon
    const { proposal, files } = edited(reviewOf('uplink', uplink?.id as string, 0.9 * cap, 0.002 * cap));
    expect(proposal.unresolved).toEqual([]);
    expect(proposal.changes.map((c) => c.summary)).toEqual([
      `district ${uplink?.id}: uplinks of 25,000 Mbit/s to core-a and core-b (primary from 10,000)`,
    ]);
    expect(files.get('network.yaml')?.after).toContain(
      'uplinks: [{to: core-a, role: primary, mbps: 25000, medium: fiber}, {to: core-b, role: backup, mbps: 25000, medium: fiber}]',
    );
  });

  it('writes warehouse and uplink changes the inventory accepts', () => {
    const uplink = reviewedResources(model, { storageThreshold: 0.8 }).find((r) => r.kind === 'uplink');
    const cap = uplink?.threshold as number;
    const both = reviewOf('warehouse-storage', 'population', 0.7, 0.001);
    const hub = reviewOf('uplink', uplink?.id as string, 0.9 * cap, 0.002 * cap);
    const { files } = edited({ ...both, resources: [...both.resources, ...hub.resources] });
    expect([...files.keys()].sort()).toEqual(['network.yaml', 'warehouses.yaml']);
    expect(validates(files)).toEqual([]);
  });
});
