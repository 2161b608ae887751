import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { createKubeCronJobs } from '../../../monitoring/metrics/kube-cronjobs.ts';
import { FleetSimulator } from '../../../monitoring/simulator/fleet-simulator.ts';
import { GROWTH_EPOCH } from '../../../monitoring/simulator/load-model.ts';
import { lastRun, WarehouseBackups } from '../../../monitoring/simulator/warehouse-backups.ts';
import { BUILTIN_CITY } from '../../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const HOUR = 3600;
const DAY = 86_400;
// 2026-03-10 12:00 in the city (05:00 UTC), a Tuesday
const T0 = Date.UTC(2026, 2, 10, 5) / 1000;

/** A sample's value in Prometheus text, by its name and labels as written. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no ${series} in\n${text}`);
  return Number(line.split(' ')[1]);
}

describe('the simulated backups', () => {
  it('runs schedules on the city’s clock: daily, weekly and monthly', () => {
    // 01:00 city time is 18:00 UTC the day before
    expect(lastRun('0 1 * * *', T0)).toBe(Date.UTC(2026, 2, 9, 18) / 1000);
    // Sunday 01:00 city: 2026-03-08
    expect(lastRun('0 1 * * 0', T0)).toBe(Date.UTC(2026, 2, 7, 18) / 1000);
    // the 1st at 03:00 city: 2026-03-01
    expect(lastRun('0 3 1 * *', T0)).toBe(Date.UTC(2026, 1, 28, 20) / 1000);
  });

  it('serves each PostgreSQL shard’s WAL-G exporter from the promise, and the faults that break it', async () => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    const population = model.warehouses.find((w) => w.id === 'population');
    const scrape = async () => (await sim.scrapeWalg('population-s03-1')) as string;
    const healthy = await scrape();
    expect(T0 - value(healthy, 'walg_last_upload{type="basebackup"}')).toBeLessThan(DAY + 2 * HOUR);
    expect(T0 - value(healthy, 'walg_last_upload{type="xlog"}')).toBeLessThan(60);
    expect(value(healthy, 'walg_basebackup_count')).toBe(population?.backup.fullBackupsKept);
    expect(T0 - value(healthy, 'walg_oldest_basebackup')).toBeGreaterThanOrEqual(
      (population?.backup.pointInTimeDays ?? 0) * DAY,
    );
    expect(value(healthy, 'walg_missing_remote_wal_segment_at_end')).toBe(0);
    expect(await sim.scrapeWalg('iot-s01-0')).toBeNull();

    sim.inject('backups-stopped', 'population', { shard: 3 });
    sim.inject('wal-archive-stuck', 'population', { shard: 3 });
    t += 10 * 60;
    const broken = await scrape();
    expect(t - value(broken, 'walg_last_upload{type="basebackup"}')).toBeGreaterThan(2 * DAY);
    expect(t - value(broken, 'walg_last_upload{type="xlog"}')).toBeGreaterThan(
      (population?.backup.rpoMinutes ?? 0) * 60,
    );
    expect(value(broken, 'walg_missing_remote_wal_segment_at_end')).toBe(11);
    // another shard is untouched
    const other = (await sim.scrapeWalg('population-s04-0')) as string;
    expect(value(other, 'walg_missing_remote_wal_segment_at_end')).toBe(0);
  });

  it('shows the backup and drill CronJobs as kube-state-metrics does, and a failed Job', async () => {
    const backups = new WarehouseBackups(model, GROWTH_EPOCH);
    const sim = new FleetSimulator(model, () => T0);
    const failed = [
      sim.inject('backup-job-failed', 'enterprise', { shard: 2 }),
      sim.inject('drill-failed', 'population'),
    ];
    const registry = new Registry();
    createKubeCronJobs(registry, () => backups.cronJobs(failed, T0 + 60));
    const text = await registry.metrics();
    const ns = 'namespace="warehouse-enterprise"';
    expect(
      T0 - value(text, `kube_cronjob_status_last_successful_time{${ns},cronjob="enterprise-s01-backup"}`),
    ).toBeLessThan(DAY + HOUR);
    const job = `enterprise-s02-backup-${Math.floor(T0 / 60)}`;
    expect(value(text, `kube_job_status_failed{${ns},job_name="${job}",reason="BackoffLimitExceeded"}`)).toBe(
      1,
    );
    expect(value(text, `kube_job_status_start_time{${ns},job_name="${job}"}`)).toBe(T0);
    expect(
      value(
        text,
        'kube_cronjob_status_last_successful_time{namespace="warehouse-population",cronjob="population-restore-drill"}',
      ),
    ).toBeLessThan(T0);
    // no backup CronJob for a PostgreSQL shard: Spilo backs it up
    expect(text).not.toContain('cronjob="population-s01-backup"');
  });

  it('refuses a backup fault on the wrong engine, a shard out of range, a warehouse without a drill', () => {
    const sim = new FleetSimulator(model, () => T0);
    expect(() => sim.inject('backups-stopped', 'iot', { shard: 1 })).toThrow(
      `a backups-stopped fault is of a postgresql warehouse's shard; warehouse "iot" runs clickhouse`,
    );
    expect(() => sim.inject('backup-job-failed', 'enterprise', { shard: 13 })).toThrow(
      'shard must be a shard of warehouse "enterprise", from 1 to 12; got 13',
    );
    const noDrill = {
      ...model,
      warehouses: model.warehouses.map((w) =>
        w.id === 'iot' ? { ...w, backup: { ...w.backup, drill: null } } : w,
      ),
    };
    expect(() => new FleetSimulator(noDrill, () => T0).inject('drill-failed', 'iot')).toThrow(
      'warehouse "iot" has no restore drill',
    );
  });
});
