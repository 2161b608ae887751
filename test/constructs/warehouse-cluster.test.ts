import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1/index.js';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BackupTarget } from '../../constructs/warehouse/backup-target.ts';
import {
  DEFAULT_WAREHOUSE_IMAGES,
  WarehouseCluster,
  type WarehouseClusterProps,
} from '../../constructs/warehouse-cluster.ts';
import {
  backupAgentArns,
  type CityModel,
  loadCity,
  offsiteBucketName,
  offsiteS3Endpoint,
  type Pool,
  type Warehouse,
} from '../../model/index.ts';
import { BUILTIN_CITY, modelOf, type RawCity, smallCity } from '../helpers/city.ts';
import { thrownBy } from '../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const small = modelOf(smallCity());
const props = (
  model: CityModel,
  id: string,
  extra: Partial<WarehouseClusterProps> = {},
): WarehouseClusterProps => {
  const warehouse = model.warehouses.find((w) => w.id === id) as Warehouse;
  return {
    warehouse,
    pool: model.pools.find((p) => p.id === warehouse.pool) as Pool,
    servers: model.servers.filter((s) => s.pool === warehouse.pool),
    serverModels: model.serverModels,
    externalSystems: model.externalSystems,
    tenants: model.tenants,
    ...extra,
  };
};
const synth = (p: WarehouseClusterProps) =>
  Testing.synthScope((scope) => new WarehouseCluster(scope, p.warehouse.id, p));
const resources = (json: string, type: string) =>
  (JSON.parse(json).resource?.[type] ?? {}) as Record<string, Record<string, RawCity>>;
const errorOf = (p: WarehouseClusterProps) => thrownBy(() => synth(p));
/** WAL-G's envdir as the shards' cron lines run it (cron starts with `env -i`). */
const ENVDIR = 'envdir "/run/etc/wal-e.d/env"';

describe('WarehouseCluster', () => {
  it('runs a ClickHouse warehouse as one StatefulSet per shard, replicas in different racks (defaults)', () => {
    const json = synth(props(city, 'enterprise'));
    const sets = resources(json, StatefulSetV1.tfResourceType);
    expect(Object.keys(sets).sort()).toEqual([
      'enterprise-keeper',
      ...Array.from({ length: 12 }, (_, i) => `enterprise-s${String(i + 1).padStart(2, '0')}`),
    ]);
    const shard = sets['enterprise-s01'] as Record<string, RawCity>;
    expect(shard.metadata.namespace).toBe('warehouse-enterprise');
    expect(shard.spec.replicas).toBe('2');
    expect(shard.spec.service_name).toBe('enterprise-s01');
    const pod = shard.spec.template.spec;
    expect(pod.node_selector).toEqual({ 'citycloud.hcmc.gov.vn/pool': 'wh-enterprise' });
    expect(pod.toleration).toEqual([
      { key: 'citycloud.hcmc.gov.vn/pool', operator: 'Equal', value: 'wh-enterprise', effect: 'NoSchedule' },
    ]);
    expect(pod.priority_class_name).toBe('citycloud-high');
    // the anti-affinity that ties placement to the rack model: never two replicas of a shard in one rack
    expect(pod.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution).toEqual([
      {
        topology_key: 'citycloud.hcmc.gov.vn/rack',
        label_selector: [
          {
            match_labels: {
              'app.kubernetes.io/part-of': 'warehouse-enterprise',
              'citycloud.hcmc.gov.vn/warehouse': 'enterprise',
              'citycloud.hcmc.gov.vn/shard': 'enterprise-s01',
            },
          },
        ],
      },
    ]);
    expect(pod.topology_spread_constraint[0]).toMatchObject({
      topology_key: 'topology.kubernetes.io/zone',
      max_skew: 1,
    });
    expect(pod.container[0]).toMatchObject({
      image: DEFAULT_WAREHOUSE_IMAGES.clickhouse,
      resources: {
        requests: { cpu: '56', memory: '896Gi' },
        limits: { cpu: '56', memory: '896Gi' },
      },
      readiness_probe: { http_get: { path: '/ping', port: 'http' } },
    });
    expect(shard.spec.volume_claim_template).toEqual([
      {
        metadata: { name: 'data' },
        spec: {
          access_modes: ['ReadWriteOnce'],
          storage_class_name: 'local-hdd',
          resources: { requests: { storage: '48Ti' } },
        },
      },
    ]);
  });

  it('gives every shard a headless Service and a budget of one replica, and the keeper a quorum budget', () => {
    const json = synth(props(city, 'enterprise'));
    expect(
      Testing.toHaveResourceWithProperties(json, ServiceV1.tfResourceType, {
        metadata: { name: 'enterprise-s07', namespace: 'warehouse-enterprise' },
        spec: { cluster_ip: 'None', publish_not_ready_addresses: true },
      }),
    ).toBe(true);
    const budgets = resources(json, PodDisruptionBudgetV1.tfResourceType);
    expect(Object.keys(budgets)).toHaveLength(13);
    expect(budgets['enterprise-s07']?.spec.max_unavailable).toBe('1');
    expect(budgets['enterprise-keeper']?.spec.min_available).toBe('2');
    const keeper = resources(json, StatefulSetV1.tfResourceType)['enterprise-keeper'] as Record<
      string,
      RawCity
    >;
    expect(keeper.spec.replicas).toBe('3');
    expect(keeper.spec.template.spec.container[0].image).toBe(DEFAULT_WAREHOUSE_IMAGES.keeper);
    // the shards find the keeper through its headless Service
    const env = resources(json, StatefulSetV1.tfResourceType)['enterprise-s01']?.spec.template.spec
      .container[0].env;
    expect(env).toContainEqual({
      name: 'CLICKHOUSE_KEEPER_HOSTS',
      value:
        'enterprise-keeper-0.enterprise-keeper,enterprise-keeper-1.enterprise-keeper,enterprise-keeper-2.enterprise-keeper',
    });
  });

  it('labels the namespace with the warehouse, which the tenants’ allow policies select', () => {
    const json = synth(props(city, 'health'));
    expect(resources(json, NamespaceV1.tfResourceType)['warehouse-health']?.metadata).toEqual({
      name: 'warehouse-health',
      labels: {
        'citycloud.hcmc.gov.vn/warehouse': 'health',
        'citycloud.hcmc.gov.vn/pool': 'wh-health',
        'citycloud.hcmc.gov.vn/criticality': 'critical',
      },
    });
  });

  it('runs PostgreSQL shards as Patroni clusters with their own leader-election access, and no keeper', () => {
    const json = synth(props(city, 'population'));
    const sets = resources(json, StatefulSetV1.tfResourceType);
    expect(Object.keys(sets)).toHaveLength(16);
    expect(sets['population-s16']?.spec.template.metadata.labels['cluster-name']).toBe('population-s16');
    const pod = sets['population-s01']?.spec.template.spec;
    expect(pod.service_account_name).toBe('population-patroni');
    expect(pod.container[0].env).toContainEqual({ name: 'SCOPE', value: 'population-s01' });
    expect(pod.container[0].readiness_probe.http_get).toEqual({ path: '/readiness', port: 'patroni' });
    expect(pod.container[0].resources.requests).toEqual({ cpu: '48', memory: '768Gi' });
    expect(sets['population-s01']?.spec.volume_claim_template[0].spec.resources.requests.storage).toBe(
      '12Ti',
    );
    expect(
      Testing.toHaveResourceWithProperties(json, 'kubernetes_role_binding_v1', {
        role_ref: { kind: 'Role', name: 'population-patroni' },
        subject: [{ kind: 'ServiceAccount', name: 'population-patroni', namespace: 'warehouse-population' }],
      }),
    ).toBe(true);
  });

  it('lets only the warehouse’s readers in, and only its connector out to the national system', () => {
    const json = synth(props(city, 'population'));
    const policies = resources(json, NetworkPolicyV1.tfResourceType);
    expect(Object.keys(policies).sort()).toEqual([
      'population-allow-connector-egress',
      'population-allow-dns',
      'population-allow-internal',
      'population-allow-kubernetes-api',
      'population-allow-readers',
      'population-default-deny',
      // the restore drill's pod reaches the API server (restore-drill.ts)
      'population-restore-drill-egress',
    ]);
    const db = city.externalSystems.find((e) => e.id === 'national-population-db');
    expect(policies['population-allow-connector-egress']?.spec).toEqual({
      pod_selector: {
        match_labels: {
          'app.kubernetes.io/part-of': 'warehouse-population',
          'citycloud.hcmc.gov.vn/warehouse': 'population',
          'app.kubernetes.io/name': 'warehouse-connector',
        },
      },
      policy_types: ['Egress'],
      egress: [
        {
          to: [{ ip_block: { cidr: db?.cidr } }],
          ports: db?.ports.map((p) => ({ port: String(p), protocol: 'TCP' })),
        },
      ],
    });
    const readers = city.tenants.filter((t) => t.reaches.includes('population')).map((t) => t.id);
    expect(readers).toEqual(['mis', 'admin-procedures', 'data-portal']);
    expect(policies['population-allow-readers']?.spec.ingress).toEqual([
      {
        from: readers.map((t) => ({
          namespace_selector: { match_labels: { 'citycloud.hcmc.gov.vn/tenant': t } },
        })),
        ports: [{ port: '5432', protocol: 'TCP' }],
      },
    ]);
    expect(Object.keys(resources(json, DeploymentV1.tfResourceType))).toEqual(['population-connector']);
  });

  it('has no connector, nor any way out, for a warehouse linked to no national system', () => {
    const json = synth(props(city, 'land'));
    expect(resources(json, DeploymentV1.tfResourceType)).toEqual({});
    expect(Object.keys(resources(json, NetworkPolicyV1.tfResourceType))).not.toContain(
      'land-allow-connector-egress',
    );
  });

  it('takes its own images, label prefix, keeper quorum and priority class', () => {
    const json = synth(
      props(small, 'wa', {
        images: { clickhouse: 'mirror.local/clickhouse:24.8' },
        labelPrefix: 'city.example',
        keeperReplicas: 5,
        priorityClassName: 'warehouses',
        servers: [
          ...small.servers.filter((s) => s.pool === 'wh-a'),
          ...['k04', 'k05'].map((k) => ({
            ...(small.servers.find((s) => s.pool === 'wh-a') as RawCity),
            rack: k,
            name: k,
          })),
        ],
      }),
    );
    const sets = resources(json, StatefulSetV1.tfResourceType);
    expect(sets['wa-s01']?.spec.template.spec.container[0].image).toBe('mirror.local/clickhouse:24.8');
    expect(sets['wa-s01']?.spec.template.spec.priority_class_name).toBe('warehouses');
    expect(
      sets['wa-s01']?.spec.template.spec.affinity.pod_anti_affinity
        .required_during_scheduling_ignored_during_execution[0].topology_key,
    ).toBe('city.example/rack');
    expect(sets['wa-keeper']?.spec.replicas).toBe('5');
    expect(resources(json, PodDisruptionBudgetV1.tfResourceType)['wa-keeper']?.spec.min_available).toBe('3');
  });

  it('refuses a placement the rack model cannot give, naming the construct and the warehouse', () => {
    const p = props(small, 'wa');
    const twoRacks = p.servers.filter((s) => s.rack !== 'dc1-h1-r01-k03');
    expect(errorOf({ ...p, servers: twoRacks })).toBe(
      'stack/wa (warehouses[wa]): replicas must sit in different racks, but pool wh-a has servers in 2 racks; expected at least 3',
    );
  });

  it('refuses a single replica, an even keeper quorum, an oversize replica and an unknown national system', () => {
    const p = props(small, 'wa');
    expect(errorOf({ ...p, warehouse: { ...p.warehouse, replicas: 1 } })).toMatch(
      /^stack\/wa \(warehouses\[wa\]\): 1 replica per shard cannot survive a node drain or a rack loss; expected at least 2$/,
    );
    expect(errorOf({ ...p, keeperReplicas: 4 })).toMatch(
      /keeperReplicas 4; expected an odd number of at least 3$/,
    );
    expect(
      errorOf({ ...p, warehouse: { ...p.warehouse, perReplica: { cpuCores: 4096, memoryGiB: 256 } } }),
    ).toMatch(
      /a replica needs 4096 cores and 256 GiB, more than any server of pool wh-a has; expected perReplica within one server$/,
    );
    expect(errorOf({ ...p, warehouse: { ...p.warehouse, connectsTo: ['nowhere'] } })).toMatch(
      /connectsTo nowhere, which is no external system; expected one of national-db$/,
    );
    expect(errorOf({ ...p, pool: small.pools[0] as Pool })).toMatch(
      /pool web given, but warehouse wa runs on wh-a/,
    );
  });
});

describe('WarehouseCluster backing up to the city’s second site', () => {
  const site = city.secondSite as NonNullable<CityModel['secondSite']>;

  it('has each PostgreSQL shard archive there with WAL-G as Spilo reads it, and lets the replicas reach it on 443 only', () => {
    const json = synth(
      props(city, 'population', {
        backupTarget: BackupTarget.secondSite(site, 'citycloud-backup-population'),
      }),
    );
    const shards = Object.values(resources(json, StatefulSetV1.tfResourceType)) as {
      spec: {
        template: {
          spec: { container: { env: { name: string; value?: string; value_from?: unknown }[] }[] };
        };
      };
    }[];
    expect(shards.length).toBeGreaterThan(0);
    const promise = (city.warehouses.find((w) => w.id === 'population') as Warehouse).backup;
    for (const shard of shards) {
      const env = shard.spec.template.spec.container[0]?.env ?? [];
      const byName = Object.fromEntries(env.map((e) => [e.name, e]));
      // the names ENVIRONMENT.rst and configure_spilo.py read at the image's tag, 3.3-p3
      expect(
        Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value])),
      ).toMatchObject({
        USE_WALG_BACKUP: 'true',
        USE_WALG_RESTORE: 'true',
        WAL_S3_BUCKET: 'citycloud-backup-population',
        AWS_ENDPOINT: 'https://s3.dr.hcmc.gov.vn',
        WALG_LIBSODIUM_KEY_TRANSFORM: 'base64',
        // 01:00 in the city is 18:00 UTC, the clock of the pods' cron
        BACKUP_SCHEDULE: '0 18 * * *',
        // postgres_backup.sh reads it as days: with 8 it never deletes one of the 8 newest
        BACKUP_NUM_TO_RETAIN: '8',
        // WAL-G keeps exactly the 8 newest full backups (Spilo alone kept 10 after a push), 12 hours after the backups
        CRONTAB: JSON.stringify([
          `0 6 * * * ${ENVDIR} psql -tXqAc 'select pg_catalog.pg_is_in_recovery()' | grep -qx f && ${ENVDIR} wal-g delete retain FULL 8 --confirm`,
        ]),
        SPILO_CONFIGURATION: JSON.stringify({
          bootstrap: {
            dcs: { postgresql: { parameters: { archive_timeout: `${promise.rpoMinutes * 60}s` } } },
          },
        }),
      });
      // the credentials and the key by reference to the operators' Secret, never a value
      for (const [name, key] of [
        ['AWS_ACCESS_KEY_ID', 'access-key-id'],
        ['AWS_SECRET_ACCESS_KEY', 'secret-access-key'],
        ['WALG_LIBSODIUM_KEY', 'libsodium-key'],
      ] as const)
        expect(byName[name], name).toEqual({
          name,
          value_from: { secret_key_ref: { name: 'population-backup-credentials', key } },
        });
    }
    // what no tool read is gone
    expect(resources(json, 'kubernetes_config_map_v1')['population-backup-target']).toBeUndefined();
    expect(resources(json, NetworkPolicyV1.tfResourceType)['population-allow-backup']?.spec).toEqual({
      pod_selector: {},
      policy_types: ['Egress'],
      egress: [{ to: [{ ip_block: { cidr: '172.20.10.0/24' } }], ports: [{ port: '443', protocol: 'TCP' }] }],
    });
  });

  /** The environment's values of every PostgreSQL shard of `warehouse`, backing up to the second site. */
  const shardEnvs = (warehouse: Warehouse) => {
    const json = synth({
      ...props(city, warehouse.id),
      warehouse,
      backupTarget: BackupTarget.secondSite(site, `citycloud-backup-${warehouse.id}`),
    });
    // nothing Terraform would read as its own interpolation
    expect(json).not.toContain('${');
    const shards = Object.values(resources(json, StatefulSetV1.tfResourceType)) as RawCity[];
    expect(shards).toHaveLength(warehouse.shards);
    return shards.map((shard) =>
      Object.fromEntries(
        (shard.spec.template.spec.container[0].env as { name: string; value?: string }[])
          .filter((e) => e.value !== undefined)
          .map((e) => [e.name, e.value as string]),
      ),
    );
  };
  const population = city.warehouses.find((w) => w.id === 'population') as Warehouse;
  const promised = (backup: Partial<Warehouse['backup']>): Warehouse => ({
    ...population,
    backup: { ...population.backup, ...backup },
  });

  it('keeps a weekly or monthly warehouse’s promised full backups with WAL-G, which Spilo’s day count never deleted', () => {
    for (const [schedule, utc, kept] of [
      // Sunday 01:00 in the city is Saturday 18:00 UTC
      ['0 1 * * 0', '0 18 * * 6', 5],
      // the 15th at 03:00 in the city is the 14th at 20:00 UTC
      ['0 3 15 * *', '0 20 14 * *', 3],
    ] as const) {
      for (const env of shardEnvs(promised({ schedule, fullBackupsKept: kept, pointInTimeDays: 28 }))) {
        expect(env.BACKUP_SCHEDULE, schedule).toBe(utc);
        expect(env.BACKUP_NUM_TO_RETAIN, schedule).toBe(String(kept));
        // Spilo reads CRONTAB with yaml.safe_load: a list of lines for postgres' crontab
        const lines = parse(env.CRONTAB ?? '') as string[];
        expect(lines, schedule).toEqual([
          `${utc.split(' ')[0]} ${(Number(utc.split(' ')[1]) + 12) % 24} * * * ${ENVDIR} psql -tXqAc 'select pg_catalog.pg_is_in_recovery()' | grep -qx f && ${ENVDIR} wal-g delete retain FULL ${kept} --confirm`,
        ]);
        // every day (not on the backups' day only), no `$` for Kubernetes to expand, no `%` for cron
        expect(lines[0]).toMatch(/^\d+ \d+ \* \* \* /);
        expect(lines[0]).not.toMatch(/[$%]/);
      }
    }
  });

  it('keeps a daily warehouse’s too: the line 12 hours after the backups, across midnight UTC', () => {
    // 08:30 in the city is 01:30 UTC: the line at 13:30
    for (const env of shardEnvs(
      promised({ schedule: '30 8 * * *', fullBackupsKept: 4, pointInTimeDays: 3 }),
    )) {
      expect(env.BACKUP_SCHEDULE).toBe('30 1 * * *');
      expect(env.BACKUP_NUM_TO_RETAIN).toBe('4');
      expect(parse(env.CRONTAB ?? '')).toEqual([
        `30 13 * * * ${ENVDIR} psql -tXqAc 'select pg_catalog.pg_is_in_recovery()' | grep -qx f && ${ENVDIR} wal-g delete retain FULL 4 --confirm`,
      ]);
    }
  });

  it('adds no deletion off-site, where the agent may not delete and the bucket’s lifecycle keeps the promise', () => {
    const json = synth(
      props(city, 'construction', {
        backupTarget: BackupTarget.offsite({
          region: 'ap-southeast-1',
          endpoint: offsiteS3Endpoint('ap-southeast-1'),
          bucket: offsiteBucketName(city.city.code, 'construction'),
          agent: backupAgentArns(city.offsite, 'construction') as NonNullable<
            ReturnType<typeof backupAgentArns>
          >,
        }),
      }),
    );
    const shards = Object.values(resources(json, StatefulSetV1.tfResourceType)) as RawCity[];
    expect(shards.length).toBeGreaterThan(0);
    for (const shard of shards) {
      const names = (shard.spec.template.spec.container[0].env as { name: string }[]).map((e) => e.name);
      expect(names).toContain('BACKUP_NUM_TO_RETAIN');
      expect(names).not.toContain('CRONTAB');
    }
  });

  it('has no way out to the second site without a backup target (defaults)', () => {
    const json = synth(props(city, 'enterprise'));
    expect(resources(json, 'kubernetes_config_map_v1')['enterprise-backup-target']).toBeUndefined();
    expect(resources(json, NetworkPolicyV1.tfResourceType)['enterprise-allow-backup']).toBeUndefined();
  });
});
