import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { describe, expect, it } from 'vitest';
import { BackupTarget } from '../../../constructs/warehouse/backup-target.ts';
import { WALG_EXPORTER_IMAGE } from '../../../constructs/warehouse/walg-exporter.ts';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { BUILTIN_CITY, type RawCity } from '../../helpers/city.ts';
import { synthWarehouse } from '../../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const site = city.secondSite as NonNullable<CityModel['secondSite']>;
const synth = (id: string, backup: boolean) =>
  synthWarehouse(
    city,
    id,
    backup ? { backupTarget: BackupTarget.secondSite(site, `citycloud-backup-${id}`) } : {},
  );
const podOf = (json: Record<string, Record<string, RawCity>>, shard: string) =>
  json[StatefulSetV1.tfResourceType]?.[shard]?.spec.template;

describe('the WAL-G exporter', () => {
  const json = synth('population', true);

  it('runs beside every PostgreSQL shard that backs up, on its port walg-metrics (9351), with the pinned image', () => {
    for (let i = 1; i <= 16; i++) {
      const shard = `population-s${String(i).padStart(2, '0')}`;
      const template = podOf(json, shard);
      const exporter = template.spec.container.find((c: RawCity) => c.name === 'walg-exporter');
      expect(exporter?.image, shard).toBe(WALG_EXPORTER_IMAGE);
      expect(exporter.port).toEqual([{ name: 'walg-metrics', container_port: 9351 }]);
      // what a scrape can select the pods by (Patroni adds spilo-role=master|replica)
      expect(template.metadata.labels).toEqual({
        'app.kubernetes.io/part-of': 'warehouse-population',
        'citycloud.hcmc.gov.vn/warehouse': 'population',
        'citycloud.hcmc.gov.vn/shard': shard,
        'app.kubernetes.io/name': 'postgresql',
        'cluster-name': shard,
      });
    }
    expect(WALG_EXPORTER_IMAGE).toBe('registry.hcmc.gov.vn/platform/wal-g-exporter:0.3.1-spilo-16-3.3-p3');
  });

  it('reads WAL-G’s envdir, the data volume and Spilo’s socket, none of them writable but its flag', () => {
    const spec = podOf(json, 'population-s01').spec;
    const exporter = spec.container.find((c: RawCity) => c.name === 'walg-exporter');
    expect(exporter.command).toEqual([
      'sh',
      '-c',
      'touch /var/lib/postgresql/walg_exporter.enable && exec envdir "$WALE_ENV_DIR" wal-g-exporter --archive_dir "$PGDATA/pg_wal/archive_status"',
    ]);
    expect(Object.fromEntries(exporter.env.map((e: RawCity) => [e.name, e.value]))).toEqual({
      WALE_ENV_DIR: '/run/etc/wal-e.d/env',
      PGDATA: '/home/postgres/pgdata/pgroot/data',
      PGHOST: '/run/postgresql',
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
      WALG_BINARY_PATH: '/usr/local/bin/wal-g',
      WALG_EXPORTER_SCRAPE_INTERVAL: '300',
    });
    expect(exporter.volume_mount).toEqual([
      { name: 'data', mount_path: '/home/postgres/pgdata', read_only: true },
      { name: 'walg-env', mount_path: '/run/etc/wal-e.d/env', read_only: true },
      { name: 'pg-socket', mount_path: '/run/postgresql' },
      { name: 'walg-exporter-flag', mount_path: '/var/lib/postgresql' },
    ]);
    expect(exporter.resources.requests).toEqual(exporter.resources.limits);
    expect(spec.container[0].volume_mount).toContainEqual({
      name: 'pg-socket',
      mount_path: '/run/postgresql',
    });
    expect(spec.container[0].volume_mount).toContainEqual({
      name: 'walg-env',
      mount_path: '/run/etc/wal-e.d/env',
    });
  });

  it('may be scraped on walg-metrics only', () => {
    expect(json[NetworkPolicyV1.tfResourceType]?.['population-allow-walg-metrics']?.spec).toEqual({
      pod_selector: {
        match_labels: {
          'app.kubernetes.io/part-of': 'warehouse-population',
          'citycloud.hcmc.gov.vn/warehouse': 'population',
          'app.kubernetes.io/name': 'postgresql',
        },
      },
      policy_types: ['Ingress'],
      ingress: [{ from: [{ namespace_selector: {} }], ports: [{ port: '9351', protocol: 'TCP' }] }],
    });
  });

  it('is not there for a ClickHouse shard, nor for a shard without backups (defaults)', () => {
    for (const [id, shard, backup] of [
      ['health', 'health-s01', true],
      ['population', 'population-s01', false],
    ] as const) {
      const other = synth(id, backup);
      expect(podOf(other, shard).spec.container.map((c: RawCity) => c.name)).not.toContain('walg-exporter');
      expect(other[NetworkPolicyV1.tfResourceType]?.[`${id}-allow-walg-metrics`]).toBeUndefined();
    }
  });
});
