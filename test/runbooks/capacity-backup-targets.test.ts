/**
 * What the capacity review says of the backup targets, on its own and in its reports: each
 * warehouse's part from its data, growth and promise as its target keeps it (off-site: the bucket's
 * expiry and noncurrent versions; second site: the store's expiry for ClickHouse, for PostgreSQL
 * WAL-G's daily `delete retain FULL K` whatever the schedule), the second site's crossing and fill dates
 * when the inventory gives its capacity, "no capacity given" when not, and the reports' sections.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { incrementalSchedule } from '../../constructs/warehouse/clickhouse-backup.ts';
import { type CityModel, loadCity, serversInService, type Warehouse } from '../../model/index.ts';
import { backupExpiryDays } from '../../model/offsite-names.ts';
import {
  backupTargets,
  incrementalEveryMinutes,
  measuredStoredData,
  modelStoredData,
  retentionOf,
  type StoredData,
  WRITE_AMPLIFICATION,
  warehouseBackups,
} from '../../runbooks/capacity/backup-targets.ts';
import { capacityReview, type Review } from '../../runbooks/capacity/capacity-review.ts';
import {
  headline,
  reviewJson,
  reviewMarkdown,
  reviewSummary,
} from '../../runbooks/capacity/format-review.ts';
import { reviewHtml } from '../../runbooks/capacity/review-html.ts';
import { reviewedResources } from '../../runbooks/capacity/reviewed-resources.ts';
import { BUILTIN_CITY, modelOf, smallCity } from '../helpers/city.ts';

const DAY = 86_400;
// a city midnight (UTC+7)
const FROM = Date.UTC(2026, 11, 1) / 1000 - 7 * 3600;
const SETTINGS = { horizonDays: 180, storageThreshold: 0.8, changeSharePerDay: 0.01, from: FROM };
const builtin = loadCity(BUILTIN_CITY).model as CityModel;
const warehouse = (id: string) => builtin.warehouses.find((w) => w.id === id) as Warehouse;
/** The built-in city with its second site's capacity given. */
const withCapacity = (capacityTiB: number | null): CityModel => ({
  ...builtin,
  secondSite: { ...(builtin.secondSite as NonNullable<CityModel['secondSite']>), capacityTiB },
});
const data = (storedTiB: number, g: number, low = g, high = g): StoredData => ({
  source: 'measured',
  storedTiB,
  growthTiBPerDay: { mid: g, low, high },
});

describe('the second site’s capacity in the inventory', () => {
  it('is none unless the inventory says', () => {
    expect(builtin.secondSite?.capacityTiB).toBeNull();
  });

  it('is read from secondSite.capacityTiB', () => {
    const city = smallCity();
    city.secondSite = {
      id: 'dr',
      name: 'DR site',
      endpoint: 'https://s3.dr.example',
      cidr: '10.9.0.0/24',
      jurisdiction: 'VN',
      capacityTiB: 500,
    };
    expect(modelOf(city).secondSite?.capacityTiB).toBe(500);
  });
});

describe('what a target keeps of a warehouse', () => {
  it('off-site: the expiry and a year of noncurrent versions, object lock at least', () => {
    const w = warehouse('construction');
    const r = retentionOf(builtin, w);
    const days = Math.max(
      backupExpiryDays(w.backup) + builtin.offsite.noncurrentExpireDays,
      builtin.offsite.backupRetentionDays,
    );
    expect(r.keptDays).toBe(days);
    // a daily schedule: a full backup and a day of WAL for each day kept
    expect(r.fullBackups).toBe(days);
    expect(r.changeDays).toBe(days);
  });

  it('second site, ClickHouse: the store’s expiry, each incremental holding every change since its full backup', () => {
    const w = warehouse('health');
    const r = retentionOf(builtin, w);
    const expiry = backupExpiryDays(w.backup);
    const n = 1440 / incrementalEveryMinutes(w.backup.rpoMinutes);
    expect(r.keptDays).toBe(expiry);
    expect(r.fullBackups).toBe(w.backup.fullBackupsKept + 1);
    expect(r.changeDays).toBeCloseTo((expiry * (n - 1)) / 2);
  });

  it('second site, PostgreSQL daily: WAL-G keeps K, K + 1 full backups at the peak and a day of WAL more', () => {
    const w = warehouse('population');
    const k = w.backup.fullBackupsKept;
    const r = retentionOf(builtin, w);
    // Spilo alone kept k + 2 (BACKUP_NUM_TO_RETAIN read as days)
    expect(r).toMatchObject({ fullBackups: k + 1, changeDays: k + 1, keptDays: k + 1 });
    expect(r.retention).toMatch(new RegExp(`newest ${k} full backups .* ${k + 1} full backups at the peak`));
  });

  it('second site, PostgreSQL weekly or monthly: the same K kept, K periods of WAL, nothing piling up', () => {
    const population = warehouse('population');
    for (const [schedule, period] of [
      ['0 1 * * 0', 7],
      ['0 1 15 * *', 31],
    ] as const) {
      const w = {
        ...population,
        backup: { ...population.backup, schedule, fullBackupsKept: 5, pointInTimeDays: 28 },
      };
      const r = retentionOf(builtin, w);
      expect(r, schedule).toMatchObject({
        fullBackups: 6,
        changeDays: 5 * period + 1,
        keptDays: 5 * period + 1,
      });
      // no growth of the data: no growth of its backups (Spilo alone deleted none: a full backup a period piled up)
      expect(warehouseBackups(builtin, w, data(100, 0), 0.01).growthTiBPerDay.mid, schedule).toBe(0);
      const part = warehouseBackups(builtin, w, data(100, 0.5), 0.01);
      expect(part.holdsTiB).toBeCloseTo(
        6 * 100 + (5 * period + 1) * (WRITE_AMPLIFICATION * 0.5 + 0.01 * 100),
      );
      expect(part.growthTiBPerDay.mid).toBeCloseTo((6 + (5 * period + 1) * 0.01) * 0.5);
    }
  });

  it('ClickHouse’s incremental interval is the CronJob’s', () => {
    const minutes = (schedule: string) => {
      const every = /^\*\/(\d+) \* \* \* \*$/.exec(schedule);
      if (every) return Number(every[1]);
      if (schedule === '0 * * * *') return 60;
      if (schedule === '0 0 * * *') return 1440;
      return 60 * Number((/^0 \*\/(\d+) \* \* \*$/.exec(schedule) as RegExpExecArray)[1]);
    };
    for (let rpo = 1; rpo <= 1440; rpo++)
      expect(incrementalEveryMinutes(rpo), `rpo ${rpo}`).toBe(minutes(incrementalSchedule(rpo)));
  });
});

describe('a warehouse’s part', () => {
  it('is its full backups and days of changes, sized from its data', () => {
    const w = warehouse('population');
    const part = warehouseBackups(builtin, w, data(100, 0.5, 0.2, 1), 0.01);
    const changes = WRITE_AMPLIFICATION * 0.5 + 0.01 * 100;
    expect(part.changesTiBPerDay).toBeCloseTo(changes);
    expect(part.holdsTiB).toBeCloseTo(part.fullBackups * 100 + part.changeDays * changes);
    expect(part.growthTiBPerDay.mid).toBeCloseTo((part.fullBackups + part.changeDays * 0.01) * 0.5);
    expect(part.growthTiBPerDay.low).toBeLessThan(part.growthTiBPerDay.mid);
    expect(part.growthTiBPerDay.high).toBeGreaterThan(part.growthTiBPerDay.mid);
  });

  it('counts shrinking data as not growing: backups stay until they expire', () => {
    const part = warehouseBackups(builtin, warehouse('land'), data(100, -1), 0.01);
    expect(part.growthTiBPerDay.mid).toBe(0);
  });

  it('takes one copy of the data: the used share × shards × storagePerReplicaTiB, not × replicas', () => {
    const w = warehouse('population');
    expect(measuredStoredData(w, { now: 0.5, slope: 0.001, low: 0, high: 0.002 })).toEqual({
      source: 'measured',
      storedTiB: 0.5 * w.shards * w.storagePerReplicaTiB,
      growthTiBPerDay: {
        mid: 0.001 * w.shards * w.storagePerReplicaTiB,
        low: 0,
        high: 0.002 * w.shards * w.storagePerReplicaTiB,
      },
    });
    // with no forecast: the volumes full, grown as the model says
    const m = modelStoredData(w);
    expect(m.storedTiB).toBe(w.shards * w.storagePerReplicaTiB);
    expect(m.growthTiBPerDay.mid).toBeCloseTo((m.storedTiB * w.storageGrowthPercentPerMonth) / 100 / 30);
  });
});

describe('the targets', () => {
  const stored = new Map(
    builtin.warehouses.map((w) => [w.id, data(w.shards * w.storagePerReplicaTiB * 0.5, 1, 0.5, 2)]),
  );

  it('are the second site, with every warehouse backing up there, and one off-site bucket per other warehouse', () => {
    const targets = backupTargets(builtin, stored, SETTINGS);
    const site = targets.find((t) => t.kind === 'second-site');
    expect(site?.id).toBe(builtin.secondSite?.id);
    expect(site?.warehouses.map((p) => p.warehouse).sort()).toEqual(
      builtin.warehouses
        .filter((w) => w.backupTo === 'second-site')
        .map((w) => w.id)
        .sort(),
    );
    const buckets = targets.filter((t) => t.kind === 'offsite-bucket');
    expect(buckets.map((t) => t.id).sort()).toEqual(
      builtin.warehouses
        .filter((w) => w.backupTo === 'offsite')
        .map((w) => `citycloud-${builtin.city.code}-backup-${w.id}`)
        .sort(),
    );
    for (const t of targets) {
      expect(t.holdsTiB).toBeCloseTo(t.warehouses.reduce((a, p) => a + p.holdsTiB, 0));
      expect(t.atHorizonTiB).toBeCloseTo(t.holdsTiB + 180 * t.growthTiBPerDay.mid);
    }
  });

  it('say no capacity, and never run short, when the inventory gives none', () => {
    for (const t of backupTargets(builtin, stored, SETTINGS)) {
      expect(t.capacityTiB).toBeNull();
      expect(t.crosses).toBeNull();
      expect(t.fills).toBeNull();
      expect(t.runsShort).toBe(false);
    }
  });

  it('say when the second site crosses its threshold and fills, with the slope’s interval', () => {
    const first = backupTargets(withCapacity(null), stored, SETTINGS).find((t) => t.kind === 'second-site');
    if (!first) throw new Error('no second site');
    // a capacity the data reaches in about 100 days at the middle slope
    const capacity = (first.holdsTiB + 100 * first.growthTiBPerDay.mid) / 0.8;
    const site = backupTargets(withCapacity(capacity), stored, SETTINGS).find(
      (t) => t.kind === 'second-site',
    );
    if (!site?.crosses || !site.fills) throw new Error('the second site does not cross');
    expect(site.thresholdTiB).toBeCloseTo(0.8 * capacity);
    expect(site.crosses.days).toBeCloseTo(100);
    expect(site.holdsTiB + site.crosses.days * site.growthTiBPerDay.mid).toBeCloseTo(0.8 * capacity);
    expect(site.holdsTiB + site.fills.days * site.growthTiBPerDay.mid).toBeCloseTo(capacity);
    expect(site.crosses.on).toBe(
      new Date((FROM + 7 * 3600 + site.crosses.days * DAY) * 1000).toISOString().slice(0, 10),
    );
    expect(site.crosses.daysEarliest).toBeLessThan(site.crosses.days);
    expect(site.crosses.daysLatest).toBeGreaterThan(site.crosses.days);
    expect(site.runsShort).toBe(true);
    // the soonest first
    expect(backupTargets(withCapacity(capacity), stored, SETTINGS)[0]?.id).toBe(site.id);
    // past the horizon: forecast, not short
    const later = backupTargets(withCapacity(capacity * 10), stored, SETTINGS).find(
      (t) => t.kind === 'second-site',
    );
    expect(later?.crosses?.days).toBeGreaterThan(180);
    expect(later?.runsShort).toBe(false);
    // already over
    const over = backupTargets(withCapacity(first.holdsTiB / 2), stored, SETTINGS).find(
      (t) => t.kind === 'second-site',
    );
    expect(over?.crosses?.days).toBe(0);
    expect(over?.fills?.days).toBe(0);
  });
});

describe('in the reports', () => {
  const stored = new Map(
    builtin.warehouses.map((w) => [w.id, data(w.shards * w.storagePerReplicaTiB * 0.5, 1)]),
  );
  const reviewWith = (model: CityModel): Review => ({
    generatedAt: new Date(FROM * 1000).toISOString(),
    prometheus: 'http://127.0.0.1:9090',
    days: 90,
    horizonDays: 180,
    queries: [],
    samples: 0,
    resources: [],
    unforecastable: [],
    toCome: [],
    backupTargets: backupTargets(model, stored, SETTINGS),
    backupChangeSharePerDay: 0.01,
  });
  const hostile = (capacityTiB: number): CityModel => {
    const m = withCapacity(capacityTiB);
    return {
      ...m,
      secondSite: {
        ...(m.secondSite as NonNullable<CityModel['secondSite']>),
        name: '<img src=x onerror=alert(1)>',
      },
    };
  };

  it('a target that runs short is in the headline, the summary, the Markdown, the page and the JSON', () => {
    const review = reviewWith(hostile(1));
    const site = review.backupTargets[0];
    expect(site?.runsShort).toBe(true);
    expect(headline(review)).toBe(
      `No pool, warehouse or uplink is forecast to cross its threshold within 180 days. The backup target ${site?.id} is forecast to cross its threshold within 180 days.`,
    );
    expect(reviewSummary(review, [])).toMatch(new RegExp(`✗ ${site?.id} +second site .* already over`));
    const md = reviewMarkdown(review);
    expect(md).toContain('## Backup targets');
    expect(md).toContain(`| 1 | **${site?.id}** | second site |`);
    // escaped as Markdown escapes inventory text
    expect(md).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    expect(md).not.toMatch(/[^\\]<img/);
    const html = reviewHtml(review);
    expect(html).toContain('<table id="backup-targets">');
    expect(html).toContain('<tr class="short" data-days="0">');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const json = JSON.parse(reviewJson(review));
    expect(json.backupTargets[0]).toMatchObject({
      kind: 'second-site',
      id: site?.id,
      capacityTiB: 1,
      runsShort: true,
    });
    expect(json.backupChangeSharePerDay).toBe(0.01);
  });

  it('a target with no capacity says so and does not run short', () => {
    const review = reviewWith(builtin);
    expect(headline(review)).toBe('Nothing is forecast to cross its threshold within 180 days.');
    const summary = reviewSummary(review, []);
    for (const t of review.backupTargets)
      expect(summary).toMatch(new RegExp(`^  ${t.id} .* no capacity given$`, 'm'));
    expect(reviewMarkdown(review)).toContain('| not given |');
  });
});

/**
 * A Prometheus of one answer per query, from the review's own list of what it reads: every
 * resource flat at 30%, but each warehouse's volumes at `share(w, day)`, 288 samples a day.
 */
async function stubPrometheus(model: CityModel, share: (w: string, i: number) => number) {
  const resources = reviewedResources(model, { storageThreshold: 0.8 });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const q = new URLSearchParams(body);
      const query = q.get('query') ?? '';
      const answer = (data: unknown) => res.end(JSON.stringify({ status: 'success', data }));
      if (req.url?.startsWith('/api/v1/query_range')) {
        const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(q.get(k)));
        const times = Array.from(
          { length: ((end as number) - (start as number)) / (step as number) + 1 },
          (_, i) => (start as number) + i * (step as number),
        );
        const of = resources.filter((r) => query.includes(`${r.record}[`));
        return answer({
          resultType: 'matrix',
          result: of.map((r) => ({
            metric: { [r.label]: r.id },
            values: times.map((t, i) => [
              t,
              String(
                query.startsWith('count')
                  ? 288
                  : r.kind === 'warehouse-storage'
                    ? share(r.id, i)
                    : 0.3 * (r.unit === 'ratio' ? 1 : r.threshold),
              ),
            ]),
          })),
        });
      }
      if (query === 'count(up{job="node"})')
        return answer({
          resultType: 'vector',
          result: [{ metric: {}, value: [0, String(serversInService(model).length)] }],
        });
      return answer({ resultType: 'vector', result: [] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('from the review’s history', () => {
  it('each warehouse’s part is sized from its volumes’ forecast, and the second site’s crossing follows', async () => {
    // every warehouse's volumes 40% used, a point of its volumes more every 10 days
    const share = (_: string, i: number) => 0.4 + 0.001 * i;
    const model = withCapacity(100_000);
    const prometheus = await stubPrometheus(model, share);
    try {
      const now = FROM + 12 * 3600;
      const review = await capacityReview(model, {
        prometheus: prometheus.url,
        days: 60,
        horizonDays: 180,
        storageThreshold: 0.8,
        now,
      });
      const site = review.backupTargets.find((t) => t.kind === 'second-site');
      expect(site?.warehouses.length).toBeGreaterThan(0);
      for (const p of site?.warehouses ?? []) {
        const w = warehouse(p.warehouse);
        const size = w.shards * w.storagePerReplicaTiB;
        expect(p.source).toBe('measured');
        expect(p.storedTiB).toBeCloseTo(share(w.id, 59) * size);
        expect(p.storedGrowthTiBPerDay.mid).toBeCloseTo(0.001 * size);
      }
      if (!site?.crosses) throw new Error('the second site does not cross');
      expect(site.holdsTiB + site.crosses.days * site.growthTiBPerDay.mid).toBeCloseTo(80_000);
      expect(review.backupChangeSharePerDay).toBe(0.01);
    } finally {
      prometheus.close();
    }
  });
});
