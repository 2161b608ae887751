import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { describe, expect, it } from 'vitest';
import { BackupTarget } from '../../../constructs/warehouse/backup-target.ts';
import {
  FULL_BACKUP_SCRIPT,
  INCREMENTAL_BACKUP_SCRIPT,
  incrementalSchedule,
} from '../../../constructs/warehouse/clickhouse-backup.ts';
import { DEFAULT_WAREHOUSE_IMAGES } from '../../../constructs/warehouse-cluster.ts';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { BUILTIN_CITY, type RawCity } from '../../helpers/city.ts';
import { secretsWithValues, synthWarehouse } from '../../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const site = city.secondSite as NonNullable<CityModel['secondSite']>;
const synth = (id: string, backupTarget?: BackupTarget) =>
  synthWarehouse(city, id, backupTarget ? { backupTarget } : {});

describe('ClickHouse backups', () => {
  // health: ClickHouse, personal data, 12 shards of 3 replicas, the default promise (daily at 01:00, RPO 5 min)
  const json = synth('health', BackupTarget.secondSite(site, 'citycloud-backup-health'));
  // the backup jobs; the warehouse's restore drill is a CronJob too (restore-drill.test.ts)
  const jobs = Object.fromEntries(
    Object.entries(json[CronJobV1.tfResourceType] ?? {}).filter(([name]) => name.includes('-backup')),
  );

  it('runs a full and an incremental backup CronJob per shard, in the warehouse’s namespace, never two at once', () => {
    expect(Object.keys(jobs).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `health-s${String(i + 1).padStart(2, '0')}`)
        .flatMap((s) => [`${s}-backup`, `${s}-backup-incremental`])
        .sort(),
    );
    const full = jobs['health-s01-backup'];
    expect(full.metadata.name).toBe('health-s01-backup');
    expect(full.metadata.namespace).toBe('warehouse-health');
    expect(full.metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'warehouse-health',
      'citycloud.hcmc.gov.vn/warehouse': 'health',
      'citycloud.hcmc.gov.vn/shard': 'health-s01',
      'citycloud.hcmc.gov.vn/backup-job': 'full',
    });
    // daily at 01:00 in the city is 18:00 UTC, the CronJob's clock; incrementals every RPO (5 min)
    expect(full.spec.schedule).toBe('0 18 * * *');
    expect(full.spec.concurrency_policy).toBe('Forbid');
    const incremental = jobs['health-s01-backup-incremental'];
    expect(incremental.spec.schedule).toBe('*/5 * * * *');
    expect(incremental.spec.concurrency_policy).toBe('Forbid');
    expect(incremental.metadata.labels['citycloud.hcmc.gov.vn/backup-job']).toBe('incremental');
    // the store expires what the promise no longer keeps: 8 daily full backups, and a day
    expect(full.metadata.annotations).toEqual({ 'citycloud.hcmc.gov.vn/expire-after-days': '9' });
  });

  it('sends BACKUP … TO S3 from the server image’s clickhouse-client to a replica of the shard, path-style to the second site', () => {
    const pod = jobs['health-s01-backup'].spec.job_template.spec.template.spec;
    expect(pod.restart_policy).toBe('Never');
    expect(pod.node_selector).toEqual({ 'citycloud.hcmc.gov.vn/pool': 'wh-health' });
    const c = pod.container[0];
    expect(c.image).toBe(DEFAULT_WAREHOUSE_IMAGES.clickhouse);
    expect(c.command).toEqual(['bash', '-c', FULL_BACKUP_SCRIPT]);
    expect(
      jobs['health-s01-backup-incremental'].spec.job_template.spec.template.spec.container[0].command,
    ).toEqual(['bash', '-c', INCREMENTAL_BACKUP_SCRIPT]);
    const env = Object.fromEntries(c.env.map((e: RawCity) => [e.name, e.value ?? e.value_from]));
    expect(env).toEqual({
      SHARD: 'health-s01',
      CLICKHOUSE_HOSTS: 'health-s01-0.health-s01 health-s01-1.health-s01 health-s01-2.health-s01',
      BACKUP_URL: 'https://s3.dr.hcmc.gov.vn/citycloud-backup-health/clickhouse/health-s01',
      S3_ENDPOINT: 'https://s3.dr.hcmc.gov.vn',
      CLICKHOUSE_USER: 'backup',
      CLICKHOUSE_PASSWORD: {
        secret_key_ref: { name: 'health-backup-credentials', key: 'clickhouse-password' },
      },
    });
    expect(FULL_BACKUP_SCRIPT).toContain(
      "BACKUP ALL EXCEPT DATABASES system, information_schema, INFORMATION_SCHEMA TO S3('$BACKUP_URL/$name') $settings ASYNC",
    );
    expect(INCREMENTAL_BACKUP_SCRIPT).toContain(`settings="SETTINGS base_backup = S3('$base')"`);
    // the newest full backup whose .backup file (written last) is there
    expect(INCREMENTAL_BACKUP_SCRIPT).toContain(
      "FROM s3('$BACKUP_URL/full-*/.backup', 'RawBLOB') ORDER BY b DESC LIMIT 1",
    );
  });

  it('keeps the keys out of the SQL, the arguments and the stack: the server reads them from the operators’ Secret', () => {
    const server = json[StatefulSetV1.tfResourceType]?.['health-s01']?.spec.template.spec.container[0];
    const env = Object.fromEntries(server.env.map((e: RawCity) => [e.name, e.value ?? e.value_from]));
    expect(env.AWS_ACCESS_KEY_ID).toEqual({
      secret_key_ref: { name: 'health-backup-credentials', key: 'access-key-id' },
    });
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({
      secret_key_ref: { name: 'health-backup-credentials', key: 'secret-access-key' },
    });
    // no variable of a key, secret or password anywhere in the stack has a value: only references
    expect(secretsWithValues(json)).toEqual([]);
    for (const script of [FULL_BACKUP_SCRIPT, INCREMENTAL_BACKUP_SCRIPT]) {
      expect(script).not.toMatch(/PASSWORD|SECRET|ACCESS_KEY/);
      // Terraform would interpolate these
      expect(script).not.toMatch(/[$%]\{/);
    }
  });

  it('has no backup job without a backup target, nor for a PostgreSQL warehouse (WAL-G’s own)', () => {
    const backupJobs = (json: Record<string, Record<string, RawCity>>) =>
      Object.values(json[CronJobV1.tfResourceType] ?? {}).filter(
        (j) => j.metadata.labels['citycloud.hcmc.gov.vn/backup-job'] !== 'restore-drill',
      );
    expect(backupJobs(synth('enterprise'))).toEqual([]);
    expect(
      backupJobs(synth('population', BackupTarget.secondSite(site, 'citycloud-backup-population'))),
    ).toEqual([]);
  });

  it.each([
    [1, '*/1 * * * *'],
    [5, '*/5 * * * *'],
    [7, '*/6 * * * *'],
    [15, '*/15 * * * *'],
    [45, '*/30 * * * *'],
    [60, '0 * * * *'],
    [90, '0 * * * *'],
    [240, '0 */4 * * *'],
    [1440, '0 0 * * *'],
  ])('takes incremental backups at least every RPO: %i minutes → %s', (rpo, schedule) => {
    expect(incrementalSchedule(rpo)).toBe(schedule);
  });
});
