import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type CityModel, loadCity, type Warehouse } from '../../model/index.ts';
import {
  BACKUP_MARGIN_SECONDS,
  backupRules,
  backupThresholds,
  FULL_BACKUPS,
} from '../../monitoring/rules/backup-rules.ts';
import { rulesYaml } from '../../monitoring/rules-file.ts';
import { BUILTIN_CITY, tempDir } from '../helpers/city.ts';
import { writeMonitoringOut } from '../helpers/monitoring-out.ts';
import { describeWith, PROMETHEUS_TOOLS } from '../helpers/needs.ts';
import { PROMTOOL, runTool } from '../helpers/tools.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const HOUR = 3600;
const DAY = 86_400;

/** The city with one warehouse's promise changed. */
function withPromise(id: string, change: Partial<Warehouse['backup']>): CityModel {
  return {
    ...model,
    warehouses: model.warehouses.map((w) => (w.id === id ? { ...w, backup: { ...w.backup, ...change } } : w)),
  };
}

const alertsOf = (m: CityModel, name: string) =>
  backupRules(m).alerts.filter((a) => a.rule.alert === name && a.rule.labels.warehouse !== undefined);

describe('backup alerts, from each warehouse’s promise', () => {
  it('holds each PostgreSQL warehouse’s full backups to its schedule’s period and a margin', () => {
    const late = alertsOf(model, 'WarehouseFullBackupLate');
    expect(late.map((a) => a.rule.labels.warehouse)).toEqual(
      model.warehouses.filter((w) => w.engine === 'postgresql').map((w) => w.id),
    );
    // population: daily (the personal default) — a day and the margin
    const population = late.find((a) => a.rule.labels.warehouse === 'population');
    expect(population?.rule.expr).toContain(`> ${DAY + BACKUP_MARGIN_SECONDS} `);
    // weekly for one warehouse: a week and the margin, for it alone
    const weekly = alertsOf(withPromise('land', { schedule: '0 2 * * 0' }), 'WarehouseFullBackupLate');
    expect(weekly.find((a) => a.rule.labels.warehouse === 'land')?.rule.expr).toContain(
      `> ${7 * DAY + BACKUP_MARGIN_SECONDS} `,
    );
    expect(weekly.find((a) => a.rule.labels.warehouse === 'population')?.rule.expr).toContain(
      `> ${DAY + BACKUP_MARGIN_SECONDS} `,
    );
  });

  it('holds WAL archiving to the RPO, retention to the full backups kept and the window', () => {
    const m = withPromise('construction', { rpoMinutes: 9, fullBackupsKept: 11, pointInTimeDays: 10 });
    const of = (name: string) => alertsOf(m, name).find((a) => a.rule.labels.warehouse === 'construction');
    expect(of('WarehouseWalArchivingStopped')?.rule.expr).toContain('> 540)');
    expect(of('WarehouseWalArchiveBacklog')?.rule.for).toBe('9m');
    expect(of('WarehouseFullBackupsShort')?.rule.expr).toContain(
      `${FULL_BACKUPS}{warehouse="construction"} < 11 `,
    );
    expect(of('WarehousePointInTimeWindowShort')?.rule.expr).toContain(`< ${10 * DAY})`);
    // a new shard: judged once it has had the time to make 11 backups a day apart, or its window
    const t = backupThresholds(m.warehouses.find((w) => w.id === 'construction') as Warehouse);
    expect(t.keptAfterSeconds).toBe(DAY + BACKUP_MARGIN_SECONDS + 10 * DAY);
    expect(of('WarehouseFullBackupsShort')?.rule.expr).toContain(`> time() - ${t.keptAfterSeconds})`);
  });

  it('watches ClickHouse shards by their backup CronJobs and every warehouse’s drill by its own', () => {
    const jobs = alertsOf(model, 'WarehouseBackupJobLate');
    expect(jobs.map((a) => a.rule.labels.warehouse)).toEqual(
      model.warehouses.filter((w) => w.engine === 'clickhouse').map((w) => w.id),
    );
    expect(jobs[0]?.rule.expr).toContain('cronjob=~"enterprise-s[0-9]+-backup"');
    // the drill: its period (monthly), the RTO it restores within, and an hour
    const iot = model.warehouses.find((w) => w.id === 'iot') as Warehouse;
    const drill = alertsOf(model, 'WarehouseRestoreDrillLate').find((a) => a.rule.labels.warehouse === 'iot');
    expect(drill?.rule.expr).toContain(`> ${31 * DAY + iot.backup.rtoMinutes * 60 + HOUR})`);
    // a warehouse without a drill has no drill alerts
    const none = alertsOf(withPromise('iot', { drill: null }), 'WarehouseRestoreDrillFailed');
    expect(none.map((a) => a.rule.labels.warehouse)).not.toContain('iot');
    // a drill's scratch namespace left a day: by its name, each warehouse its own
    const left = alertsOf(model, 'WarehouseDrillScratchLeft').find((a) => a.rule.labels.warehouse === 'iot');
    expect(left?.rule.expr).toBe(
      'time() - max by (namespace) (kube_namespace_created{job="kube-state-metrics",namespace=~"warehouse-iot-drill-s[0-9]+"}) > 86400',
    );
    expect(
      alertsOf(withPromise('iot', { drill: null }), 'WarehouseDrillScratchLeft').map(
        (a) => a.rule.labels.warehouse,
      ),
    ).not.toContain('iot');
  });
});

describeWith([PROMETHEUS_TOOLS], 'backup alerts, checked by promtool', () => {
  /** promtool on the backup rules alone with test cases of our own (minute steps). */
  const promtool = (tests: Record<string, unknown>[]) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'backups.rules.yml'), rulesYaml([backupRules(model)]));
    writeFileSync(
      join(dir, 'test.yml'),
      stringify({
        rule_files: ['backups.rules.yml'],
        evaluation_interval: '1m',
        tests: tests.map((t) => ({ interval: '1m', ...t })),
      }),
    );
    return runTool(PROMTOOL, ['test', 'rules', 'test.yml'], dir);
  };

  it('does not judge a new shard on the backups it cannot have had yet, and judges an old one', () => {
    const population = model.warehouses.find((w) => w.id === 'population') as Warehouse;
    const t = backupThresholds(population);
    // promtool's clock starts at 0: a shard made `age` seconds before it
    const shard = (name: string, ageSeconds: number, basebackups: number) => [
      {
        series: `kube_statefulset_created{job="kube-state-metrics",namespace="warehouse-population",statefulset="${name}"}`,
        values: `${-ageSeconds}x40`,
      },
      {
        series: `walg_basebackup_count{job="walg",warehouse="population",shard="${name}",pod="${name}-0"}`,
        values: `${basebackups}x40`,
      },
      {
        series: `walg_last_upload{job="walg",type="basebackup",warehouse="population",shard="${name}",pod="${name}-0"}`,
        values: '0x40',
      },
    ];
    const r = promtool([
      {
        name: 'a shard three days old keeps three backups; one older than its window keeps as many',
        input_series: [
          ...shard('population-s01', 3 * DAY, 3),
          ...shard('population-s02', t.keptAfterSeconds + HOUR, 3),
        ],
        alert_rule_test: [
          {
            eval_time: '35m',
            alertname: 'WarehouseFullBackupsShort',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', warehouse: 'population', shard: 'population-s02' },
                exp_annotations: {
                  summary: 'A warehouse shard keeps fewer full backups than it promises.',
                  description: `Shard population-s02 of warehouse population keeps fewer full backups than the ${population.backup.fullBackupsKept} it promises: backups were missed, or deleted by a retention shorter than the promise.`,
                  runbook_url: `${model.monitoring.runbookBaseUrl}#warehousefullbackupsshort`,
                },
              },
            ],
          },
        ],
      },
    ]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('is quiet about a failed Job once a later one succeeded, and about an idle shard archiving nothing', () => {
    const ksm = 'job="kube-state-metrics",namespace="warehouse-enterprise"';
    const r = promtool([
      {
        name: 'failed then succeeded',
        input_series: [
          { series: `kube_cronjob_created{${ksm},cronjob="enterprise-s01-backup"}`, values: '0x20' },
          // the failed Job started at 100 s; the next succeeded at 200 s
          {
            series: `kube_cronjob_status_last_successful_time{${ksm},cronjob="enterprise-s01-backup"}`,
            values: '200x20',
          },
          {
            series: `kube_job_status_start_time{${ksm},job_name="enterprise-s01-backup-29000000"}`,
            values: '100x20',
          },
          {
            series: `kube_job_status_failed{${ksm},job_name="enterprise-s01-backup-29000000",reason="BackoffLimitExceeded"}`,
            values: '1x20',
          },
        ],
        alert_rule_test: [{ eval_time: '15m', alertname: 'WarehouseBackupJobFailed', exp_alerts: [] }],
      },
      {
        name: 'an incremental backup failed after the last full one',
        input_series: [
          {
            series: `kube_cronjob_created{${ksm},cronjob="enterprise-s01-backup-incremental"}`,
            values: '0x20',
          },
          {
            series: `kube_job_status_start_time{${ksm},job_name="enterprise-s01-backup-incremental-29000015"}`,
            values: '100x20',
          },
          {
            series: `kube_job_status_failed{${ksm},job_name="enterprise-s01-backup-incremental-29000015",reason="BackoffLimitExceeded"}`,
            values: '1x20',
          },
        ],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'WarehouseBackupJobFailed',
            exp_alerts: [
              {
                exp_labels: {
                  severity: 'warning',
                  warehouse: 'enterprise',
                  namespace: 'warehouse-enterprise',
                  cronjob: 'enterprise-s01-backup-incremental',
                  job_name: 'enterprise-s01-backup-incremental-29000015',
                },
                exp_annotations: {
                  summary: "A warehouse's backup failed.",
                  description:
                    "Job warehouse-enterprise/enterprise-s01-backup-incremental-29000015 of warehouse enterprise's backup failed, and none has succeeded since.",
                  runbook_url: `${model.monitoring.runbookBaseUrl}#warehousebackupjobfailed`,
                },
              },
            ],
          },
        ],
      },
      {
        name: 'an idle shard: nothing archived for an hour, nothing waiting',
        input_series: [
          {
            series:
              'walg_last_upload{job="walg",type="xlog",warehouse="land",shard="land-s01",pod="land-s01-0"}',
            values: `${-HOUR}x30`,
          },
          {
            series:
              'walg_missing_remote_wal_segment_at_end{job="walg",warehouse="land",shard="land-s01",pod="land-s01-0"}',
            values: '0x30',
          },
        ],
        alert_rule_test: [{ eval_time: '20m', alertname: 'WarehouseWalArchivingStopped', exp_alerts: [] }],
      },
    ]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});

describe('the WAL-G scrape job', () => {
  it('scrapes the exporter beside every pod of every PostgreSQL shard, labelled with its warehouse, shard and pod', async () => {
    const out = await writeMonitoringOut(model);
    const config = parse(readFileSync(join(out, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    };
    expect(config.scrape_configs.find((j) => j.job_name === 'walg')).toEqual({
      job_name: 'walg',
      file_sd_configs: [{ files: ['targets/walg.json'] }],
    });
    const groups = JSON.parse(readFileSync(join(out, 'targets/walg.json'), 'utf8')) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    const pg = model.warehouses.filter((w) => w.engine === 'postgresql');
    expect(groups).toHaveLength(pg.reduce((n, w) => n + w.shards * w.replicas, 0));
    expect(groups).toContainEqual({
      targets: ['population-s16-2.population-s16.warehouse-population.svc:9351'],
      labels: { warehouse: 'population', shard: 'population-s16', pod: 'population-s16-2' },
    });
    expect(groups.some((g) => g.labels.warehouse === 'iot')).toBe(false);
  });
});
