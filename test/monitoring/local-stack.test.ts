import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { KSM } from '../../monitoring/metrics/kube-state.ts';
import {
  FULL_BACKUPS,
  LAST_FULL_BACKUP,
  LAST_WAL_ARCHIVED,
  OLDEST_FULL_BACKUP,
  SHARD_CREATED,
  WAL_READY,
} from '../../monitoring/rules/backup-rules.ts';
import { kubernetesRules } from '../../monitoring/rules/kubernetes-rules.ts';
import { nodeHealthRules } from '../../monitoring/rules/node-health-rules.ts';
import { NODE_CONDITION_KINDS } from '../../monitoring/simulator/faults.ts';
import { runCli, smallCityEdited, tempDir } from '../helpers/city.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';

const PORTS = { prometheus: 29090, alertmanager: 29093, simulator: 29200 };
const prom = `http://127.0.0.1:${PORTS.prometheus}`;
const am = `http://127.0.0.1:${PORTS.alertmanager}`;
/**
 * The small city and a PostgreSQL warehouse beside its ClickHouse one, on the same pool: two
 * shards whose WAL-G exporters the simulator serves, so a backup fault of one shard can be told
 * from the other's health.
 */
const CITY = smallCityEdited([
  '    connectsTo: [national-db]\n',
  '    connectsTo: [national-db]\n' +
    '  - {id: wp, name: Warehouse P, engine: postgresql, pool: wh-a, shards: 2, replicas: 2, perReplica: {cpuCores: 8, memoryGiB: 64}, storagePerReplicaTiB: 2, storageClass: local-hdd}\n',
]);
const model = loadCity(CITY).model as CityModel;
const sim = `http://127.0.0.1:${PORTS.simulator}`;

interface Alert {
  labels: Record<string, string>;
  state: string;
}

interface AmAlert {
  labels: Record<string, string>;
}

interface RuleState {
  name: string;
  type: 'alerting' | 'recording';
  health: string;
  state?: string;
  alerts?: Alert[];
}

interface RuleGroup {
  name: string;
  lastEvaluation: string;
  rules: RuleState[];
}

async function until<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

const alerts = async () =>
  ((await (await fetch(`${prom}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } }).data.alerts;

/** An instant query's samples, and the time Prometheus evaluated it at (unix seconds). */
async function instant(query: string): Promise<{ at: number; values: number[] }> {
  const body = (await (await fetch(`${prom}/api/v1/query?${new URLSearchParams({ query })}`)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  const values = body.data.result.map((r) => Number(r.value[1]));
  return { at: body.data.result[0]?.value[0] ?? Number.NaN, values };
}

/** The backups' rule group as Prometheus last evaluated it. */
async function backupGroup(): Promise<RuleGroup> {
  const body = (await (await fetch(`${prom}/api/v1/rules`)).json()) as { data: { groups: RuleGroup[] } };
  const group = body.data.groups.find((g) => g.name === 'citycloud-backups');
  if (!group) throw new Error('Prometheus has no citycloud-backups rule group');
  return group;
}

/** The alerts of the backups' alerting rules named `name` (one rule per warehouse it watches). */
const backupAlerts = async (name: string) =>
  (await backupGroup()).rules.filter((r) => r.name === name).flatMap((r) => r.alerts ?? []);

const amAlerts = async () => (await (await fetch(`${am}/api/v2/alerts`)).json()) as AmAlert[];

/** The labels an alert is told by, and its state (Prometheus') or none (Alertmanager's). */
const told = (a: { labels: Record<string, string>; state?: string }, keys: readonly string[]) => ({
  ...Object.fromEntries(keys.map((k) => [k, a.labels[k]])),
  ...(a.state === undefined ? {} : { state: a.state }),
});

async function inject(kind: string, target: string, settings: Record<string, unknown> = {}) {
  const res = await fetch(`${sim}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind, target, ...settings }),
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`${kind} ${target}: ${res.status} ${body}`);
  return JSON.parse(body) as { id: string; since: number };
}

describeWith([LOCAL_STACK], 'citycloud monitor up / down with the real Prometheus', () => {
  const dir = join(tempDir(), 'monitor');
  const up = [
    'monitor',
    'up',
    '--inventory',
    CITY,
    '--dir',
    dir,
    '--prometheus-port',
    String(PORTS.prometheus),
    '--alertmanager-port',
    String(PORTS.alertmanager),
    '--simulator-port',
    String(PORTS.simulator),
    '--time-scale',
    '60',
  ];
  let started: ReturnType<typeof runCli>;
  beforeAll(() => {
    started = runCli(up);
  });
  afterAll(() => {
    runCli(['monitor', 'down', '--dir', dir]);
  });

  it('starts on 127.0.0.1 and prints the URLs', () => {
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`Prometheus    ${prom}`);
  });

  it('scrapes every server of the inventory, and they are all up', async () => {
    const up = await until('14 node targets up', 30, async () => {
      const body = (await (await fetch(`${prom}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: Record<string, string>; health: string }[] };
      };
      const nodes = body.data.activeTargets.filter((t) => t.labels.job === 'node');
      return nodes.length === 14 && nodes.every((t) => t.health === 'up') ? nodes : undefined;
    });
    expect(up.map((t) => t.labels.instance).sort()[0]).toBe('dc1-h1-r01-k01-u01');
  });

  it('at --time-scale 60, scrapes servers every 2 s and probes points every 5 s, as Prometheus says (the floors)', async () => {
    const jobs = await until('every job’s targets', 30, async () => {
      const body = (await (await fetch(`${prom}/api/v1/targets?state=active`)).json()) as {
        data: {
          activeTargets: { labels: Record<string, string>; scrapeInterval: string; scrapeTimeout: string }[];
        };
      };
      const by = new Map(
        body.data.activeTargets.map((t) => [t.labels.job, `${t.scrapeInterval}/${t.scrapeTimeout}`]),
      );
      return by.size >= 10 ? by : undefined;
    });
    expect(Object.fromEntries(jobs)).toEqual({
      node: '2s/2s',
      warehouse: '2s/2s',
      services: '2s/2s',
      'snmp-uplinks': '2s/2s',
      'blackbox-icmp': '5s/5s',
      'blackbox-tcp': '5s/5s',
      'kube-state-metrics': '2s/2s',
      'kube-apiserver': '2s/2s',
      kubelet: '2s/2s',
      cadvisor: '2s/2s',
      'cert-manager': '2s/2s',
      walg: '2s/2s',
    });
  });

  it('has 90 days of history from the first minute', async () => {
    expect(started.stdout).toMatch(
      /history: 90 days of pools, warehouse volumes and uplinks backfilled \([\d,]+ samples, [\d.]+ s\)/,
    );
    const end = Math.floor(Date.now() / 1000);
    const query = new URLSearchParams({
      query: 'pool:node_cpu_utilisation:ratio_rate5m{pool="web"}',
      start: String(end - 90 * 86_400),
      end: String(end),
      step: '86400',
    });
    const body = (await (await fetch(`${prom}/api/v1/query_range?${query}`)).json()) as {
      data: { result: { values: [number, string][] }[] };
    };
    const values = body.data.result[0]?.values ?? [];
    expect(values.length).toBeGreaterThanOrEqual(90);
    for (const [, v] of values) expect(Number(v)).toBeGreaterThan(0);
  });

  it('has no backup alert on the healthy city, by Prometheus’ evaluation of every backup rule on both warehouses’ series', async () => {
    // the WAL-G records of both PostgreSQL shards and the CronJobs (wa-s01-backup and both
    // warehouses' restore drills) in Prometheus: then one evaluation of the group after that
    const records = [
      LAST_FULL_BACKUP,
      LAST_WAL_ARCHIVED,
      WAL_READY,
      FULL_BACKUPS,
      OLDEST_FULL_BACKUP,
      SHARD_CREATED,
    ];
    const seen = await until('the backup records of both wp shards and the three CronJobs', 60, async () => {
      const wp = await instant(`count({__name__=~"${records.join('|')}",warehouse="wp"})`);
      const crons = await instant(
        `count(${KSM.cronJobLastSuccess}{namespace=~"warehouse-(wa|wp)"}) + count(${KSM.cronJobCreated}{namespace=~"warehouse-(wa|wp)"})`,
      );
      return wp.values[0] === 2 * records.length && crons.values[0] === 6 ? crons.at : undefined;
    });
    const group = await until(
      'an evaluation of the backup rules after the series were seen',
      30,
      async () => {
        const g = await backupGroup();
        return Date.parse(g.lastEvaluation) / 1000 > seen ? g : undefined;
      },
    );
    const alerting = group.rules.filter((r) => r.type === 'alerting');
    expect(new Set(alerting.map((r) => r.name))).toEqual(
      new Set([
        'WarehouseFullBackupLate',
        'WarehouseWalArchivingStopped',
        'WarehouseWalArchiveBacklog',
        'WarehouseFullBackupsShort',
        'WarehousePointInTimeWindowShort',
        'WarehouseBackupsUnwatched',
        'WarehouseBackupJobLate',
        'WarehouseBackupJobFailed',
        'WarehouseRestoreDrillLate',
        'WarehouseRestoreDrillFailed',
        'WarehouseDrillScratchLeft',
      ]),
    );
    expect(group.rules.filter((r) => r.health !== 'ok').map((r) => r.name)).toEqual([]);
    expect(alerting.filter((r) => r.state !== 'inactive' || (r.alerts ?? []).length > 0)).toEqual([]);
  });

  it('turns a server fault into a ServerDown alert, pending and then firing', async () => {
    const res = await fetch(`${sim}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'server-down', target: 'dc1-h1-r01-k02-u03' }),
    });
    expect(res.status).toBe(201);
    const mine = (a: Alert) =>
      a.labels.alertname === 'ServerDown' && a.labels.instance === 'dc1-h1-r01-k02-u03';
    const pending = await until('ServerDown pending', 20, async () =>
      (await alerts()).find((a) => mine(a) && a.state === 'pending'),
    );
    expect(pending.labels.severity).toBe('warning');
    const firing = await until('ServerDown firing', 20, async () =>
      (await alerts()).find((a) => mine(a) && a.state === 'firing'),
    );
    expect(firing.labels.pool).toBe('web');
  });

  // the fault tests run at once (on servers and objects of their own): their waits overlap
  it.concurrent('turns a filling disk into both tiers of NodeFilesystemSpaceFillingUp, then NodeFilesystemAlmostOutOfSpace', async () => {
    const target = 'dc1-h1-r01-k01-u04';
    const res = await fetch(`${sim}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'disk-filling', target, fillSeconds: 20 }),
    });
    expect(res.status).toBe(201);
    const mine = (name: string, severity: string) => (a: Alert) =>
      a.labels.alertname === name && a.labels.instance === target && a.labels.severity === severity;
    await until('NodeFilesystemSpaceFillingUp pending', 40, async () =>
      (await alerts()).find(
        (a) => mine('NodeFilesystemSpaceFillingUp', 'warning')(a) && a.state === 'pending',
      ),
    );
    // for: 1h at time ×60 is one minute; filling in 20 s is the fast tier too
    for (const severity of ['warning', 'critical']) {
      const firing = await until(`NodeFilesystemSpaceFillingUp ${severity} firing`, 90, async () =>
        (await alerts()).find(
          (a) => mine('NodeFilesystemSpaceFillingUp', severity)(a) && a.state === 'firing',
        ),
      );
      expect(firing.labels).toMatchObject({ mountpoint: '/', device: '/dev/md0' });
    }
    // a full disk that stopped filling: no trend, still out of space
    await until('NodeFilesystemAlmostOutOfSpace critical firing', 90, async () =>
      (await alerts()).find(
        (a) => mine('NodeFilesystemAlmostOutOfSpace', 'critical')(a) && a.state === 'firing',
      ),
    );
  }, 200_000);

  it.concurrent('turns each node-condition fault into its node-mixin alert, once in Alertmanager', async () => {
    // on servers other than those of the faults above (k02-u03 down, k01-u04 full); the clocks on
    // the warehouse pool, whose quorum makes them critical
    const faults: [kind: string, server: string, alerts: [name: string, severity: string][]][] = [
      [
        'inodes-filling',
        'dc1-h1-r01-k01-u01',
        [
          ['NodeFilesystemFilesFillingUp', 'warning'],
          ['NodeFilesystemFilesFillingUp', 'critical'],
          ['NodeFilesystemAlmostOutOfFiles', 'warning'],
          ['NodeFilesystemAlmostOutOfFiles', 'critical'],
        ],
      ],
      ['clock-skew', 'dc1-h1-r01-k01-u10', [['NodeClockSkewDetected', 'critical']]],
      ['clock-unsynced', 'dc1-h1-r01-k01-u12', [['NodeClockNotSynchronising', 'critical']]],
      [
        'raid-degraded',
        'dc1-h1-r01-k01-u02',
        [
          ['NodeRAIDDegraded', 'critical'],
          ['NodeRAIDDiskFailure', 'warning'],
        ],
      ],
      ['disk-saturated', 'dc1-h1-r01-k02-u01', [['NodeDiskIOSaturation', 'warning']]],
      ['unit-failed', 'dc1-h1-r01-k02-u02', [['NodeSystemdServiceFailed', 'warning']]],
      ['unit-crashloop', 'dc1-h1-r01-k01-u03', [['NodeSystemdServiceCrashlooping', 'warning']]],
      ['conntrack-full', 'dc1-h1-r01-k02-u04', [['NodeHighNumberConntrackEntriesUsed', 'warning']]],
      [
        'nic-errors',
        'dc1-h1-r01-k02-u10',
        [
          ['NodeNetworkReceiveErrs', 'warning'],
          ['NodeNetworkTransmitErrs', 'warning'],
        ],
      ],
      ['bond-degraded', 'dc1-h1-r01-k02-u12', [['NodeBondingDegraded', 'warning']]],
      [
        'fd-exhausted',
        'dc1-h1-r01-k03-u10',
        [
          ['NodeFileDescriptorLimit', 'warning'],
          ['NodeFileDescriptorLimit', 'critical'],
        ],
      ],
      [
        'memory-pressure',
        'dc1-h1-r01-k03-u12',
        [
          ['NodeMemoryHighUtilization', 'warning'],
          ['NodeMemoryMajorPagesFaults', 'warning'],
        ],
      ],
      [
        'cpu-saturated',
        'dc1-h1-r01-k01-u01',
        [
          ['NodeCPUHighUsage', 'info'],
          ['NodeSystemSaturation', 'warning'],
        ],
      ],
      ['textfile-error', 'dc1-h1-r01-k01-u02', [['NodeTextFileCollectorScrapeError', 'warning']]],
    ];
    expect(faults.map(([kind]) => kind).sort()).toEqual([...NODE_CONDITION_KINDS].sort());
    for (const [kind, target] of faults) {
      const res = await fetch(`${sim}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, target, ...(kind === 'inodes-filling' ? { fillSeconds: 30 } : {}) }),
      });
      expect(res.status, kind).toBe(201);
    }
    const expected = faults.flatMap(([kind, server, list]) =>
      list.map(([name, severity]) => ({ kind, server, name, severity })),
    );
    // every alert of node-mixin has a fault that drives it here
    const names = new Set(nodeHealthRules(model).alerts.map((a) => a.rule.alert));
    expect(
      new Set(
        expected
          .map((e) => e.name)
          .concat(['NodeFilesystemSpaceFillingUp', 'NodeFilesystemAlmostOutOfSpace']),
      ),
    ).toEqual(names);
    const seen = new Map<string, number>();
    await until('every node-condition alert in Alertmanager', 240, async () => {
      const got = (await (await fetch(`${am}/api/v2/alerts`)).json()) as AmAlert[];
      for (const e of expected) {
        const key = `${e.name}/${e.server}/${e.severity}`;
        const n = got.filter(
          (a) =>
            a.labels.alertname === e.name &&
            a.labels.instance === e.server &&
            a.labels.severity === e.severity,
        ).length;
        if (n > 0) seen.set(key, Math.max(seen.get(key) ?? 0, n));
      }
      return seen.size === expected.length ? true : undefined;
    }).catch((err: Error) => {
      const missing = expected.filter((e) => !seen.has(`${e.name}/${e.server}/${e.severity}`));
      throw new Error(
        `${err.message}; not seen: ${missing.map((e) => `${e.name} (${e.severity}) of ${e.kind}`).join(', ')}`,
      );
    });
    // once each: Alertmanager holds one alert per name, server and tier
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  }, 300_000);

  it.concurrent('turns each Kubernetes fault into its kubernetes-mixin alert, once in Alertmanager, labelled with its owner', async () => {
    const faults: [kind: string, target: string, settings: Record<string, unknown>][] = [
      ['pod-crashloop', 'warehouse-wa/wa-s01', {}],
      ['replicas-short', 'warehouse-wa/wa-keeper', { missing: 2 }],
      ['pod-crashloop', 'warehouse-wa/wa-connector', {}],
      ['rollout-stuck', 'warehouse-wa/wa-connector', {}],
      ['rollout-stuck', 'warehouse-wa/wa-s01', {}],
      ['quota-full', 'tenant-t1', { share: 0.95 }],
      ['node-not-ready', 'dc1-h1-r01-k01-u01', {}],
      ['node-unreachable', 'dc1-h1-r01-k01-u02', {}],
      ['pv-filling', 'warehouse-wa/wa-s01', { ordinal: 1, fillSeconds: 30 }],
      ['cpu-throttled', 'warehouse-wa/wa-connector', {}],
      ['client-cert-expiring', 'cluster', { days: 0.5 }],
    ];
    for (const [kind, target, settings] of faults) {
      const res = await fetch(`${sim}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, target, ...settings }),
      });
      expect(res.status, `${kind} ${target}: ${await res.text()}`).toBe(201);
    }
    // each alert by the labels that name its object; the warehouse is critical, so its
    // workloads' alerts are, and carry it as their owner
    const wa = { namespace: 'warehouse-wa', owner: 'wa' };
    const expected: [name: string, labels: Record<string, string>][] = [
      ['KubePodCrashLooping', { ...wa, pod: 'wa-s01-0', severity: 'critical' }],
      ['KubePodNotReady', { ...wa, pod: 'wa-s01-0', severity: 'critical' }],
      ['KubeStatefulSetReplicasMismatch', { ...wa, statefulset: 'wa-s01', severity: 'critical' }],
      ['KubeStatefulSetBelowQuorum', { ...wa, statefulset: 'wa-keeper', severity: 'critical' }],
      ['KubePdbNotEnoughHealthyPods', { ...wa, poddisruptionbudget: 'wa-keeper', severity: 'critical' }],
      ['KubeDeploymentReplicasMismatch', { ...wa, deployment: 'wa-connector', severity: 'critical' }],
      ['KubeDeploymentRolloutStuck', { ...wa, deployment: 'wa-connector', severity: 'critical' }],
      ['KubeStatefulSetUpdateNotRolledOut', { ...wa, statefulset: 'wa-s01', severity: 'critical' }],
      [
        'KubeQuotaAlmostFull',
        { namespace: 'tenant-t1', resource: 'requests.cpu', owner: 't1', agency: 'ag1', severity: 'info' },
      ],
      ['KubeNodeNotReady', { node: 'dc1-h1-r01-k01-u01', pool: 'web', severity: 'warning' }],
      ['KubeNodeUnreachable', { node: 'dc1-h1-r01-k01-u02', pool: 'web', severity: 'warning' }],
      [
        'KubePersistentVolumeFillingUp',
        { ...{ namespace: 'warehouse-wa' }, persistentvolumeclaim: 'data-wa-s01-1', severity: 'critical' },
      ],
      [
        'KubePersistentVolumeFillingUp',
        { namespace: 'warehouse-wa', persistentvolumeclaim: 'data-wa-s01-1', severity: 'warning' },
      ],
      ['CPUThrottlingHigh', { namespace: 'warehouse-wa', container: 'app', severity: 'info' }],
      ['KubeClientCertificateExpiration', { job: 'kube-apiserver', severity: 'warning' }],
      ['KubeClientCertificateExpiration', { job: 'kube-apiserver', severity: 'critical' }],
    ];
    const matches = (a: AmAlert, name: string, labels: Record<string, string>) =>
      a.labels.alertname === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
    const seen = new Map<number, number>();
    await until('every Kubernetes alert in Alertmanager', 240, async () => {
      const got = (await (await fetch(`${am}/api/v2/alerts`)).json()) as AmAlert[];
      expected.forEach(([name, labels], i) => {
        const n = got.filter((a) => matches(a, name, labels)).length;
        if (n > 0) seen.set(i, n);
      });
      return seen.size === expected.length ? true : undefined;
    }).catch((err: Error) => {
      const missing = expected.filter((_, i) => !seen.has(i)).map(([n, l]) => `${n} ${JSON.stringify(l)}`);
      throw new Error(`${err.message}; not seen: ${missing.join(', ')}`);
    });
    // once each, but the pods of a crash-looping or short workload, and a throttled workload's
    // containers, are one alert per pod
    const perObject = new Set(['KubePodNotReady', 'CPUThrottlingHigh']);
    expected.forEach(([name], i) => {
      if (!perObject.has(name)) expect(seen.get(i), name).toBe(1);
    });
    // the autoscaler, quota-exceeded, kubelet and API server alerts are driven on the built-in
    // city, with shards (sharded-stack.test.ts): every alert of the rules has its fault somewhere
    const elsewhere = [
      'KubeHpaMaxedOut',
      'KubeHpaReplicasMismatch',
      'KubeQuotaFullyUsed',
      'KubeQuotaExceeded',
      'KubeletDown',
      'KubeAPIDown',
    ];
    expect(new Set([...expected.map(([n]) => n), ...elsewhere])).toEqual(
      new Set(kubernetesRules(model).alerts.map((a) => a.rule.alert)),
    );
  }, 300_000);

  it.concurrent('a WAL archiving fault fires WarehouseWalArchivingStopped (critical) for that shard only, then its backlog; both resolve when it is cleared', async () => {
    const fault = await inject('wal-archive-stuck', 'wp', { shard: 2 });
    const keys = ['alertname', 'warehouse', 'shard', 'severity'] as const;
    const s02 = { warehouse: 'wp', shard: 'wp-s02' };
    // each rule's alerts as one evaluation left them: shard 2's alone, though both shards are judged
    for (const [name, severity] of [
      ['WarehouseWalArchivingStopped', 'critical'],
      // a segment more waits every simulated minute: over 4 for the RPO's 15 minutes
      ['WarehouseWalArchiveBacklog', 'warning'],
    ] as const) {
      const firing = await until(`${name} firing`, 90, async () => {
        const got = await backupAlerts(name);
        return got.some((a) => a.state === 'firing') ? got : undefined;
      });
      expect(firing.map((a) => told(a, keys))).toEqual([
        { alertname: name, ...s02, severity, state: 'firing' },
      ]);
    }
    const inAm = await until('both WAL alerts in Alertmanager', 30, async () => {
      const got = (await amAlerts()).filter((a) => a.labels.warehouse === 'wp');
      return got.length >= 2 ? got : undefined;
    });
    const byName = (x: AmAlert, y: AmAlert) =>
      (x.labels.alertname ?? '').localeCompare(y.labels.alertname ?? '');
    expect(inAm.sort(byName).map((a) => told(a, keys))).toEqual([
      { alertname: 'WarehouseWalArchiveBacklog', ...s02, severity: 'warning' },
      { alertname: 'WarehouseWalArchivingStopped', ...s02, severity: 'critical' },
    ]);
    expect((await fetch(`${sim}/faults/${fault.id}`, { method: 'DELETE' })).ok).toBe(true);
    // archived again: Prometheus' rules and then Alertmanager let both go
    await until('the WAL alerts resolved in Prometheus', 60, async () =>
      (await backupAlerts('WarehouseWalArchivingStopped')).length +
        (await backupAlerts('WarehouseWalArchiveBacklog')).length ===
      0
        ? true
        : undefined,
    );
    await until('the WAL alerts resolved in Alertmanager', 30, async () =>
      (await amAlerts()).some((a) => a.labels.warehouse === 'wp') ? undefined : true,
    );
  }, 200_000);

  it.concurrent('a failed ClickHouse backup Job fires WarehouseBackupJobFailed for its CronJob, not the drill’s, and resolves when cleared', async () => {
    const fault = await inject('backup-job-failed', 'wa', { shard: 1 });
    const keys = ['alertname', 'warehouse', 'namespace', 'cronjob', 'job_name', 'severity'] as const;
    const expected = {
      alertname: 'WarehouseBackupJobFailed',
      warehouse: 'wa',
      namespace: 'warehouse-wa',
      cronjob: 'wa-s01-backup',
      // the Job the simulator started at the fault
      job_name: `wa-s01-backup-${Math.floor(fault.since / 60)}`,
      severity: 'warning',
    };
    const firing = await until('WarehouseBackupJobFailed firing', 90, async () => {
      const got = await backupAlerts('WarehouseBackupJobFailed');
      return got.some((a) => a.state === 'firing') ? got : undefined;
    });
    expect(firing.map((a) => told(a, keys))).toEqual([{ ...expected, state: 'firing' }]);
    expect(await backupAlerts('WarehouseRestoreDrillFailed')).toEqual([]);
    const inAm = await until('WarehouseBackupJobFailed in Alertmanager', 30, async () => {
      const got = (await amAlerts()).filter((a) => a.labels.alertname === 'WarehouseBackupJobFailed');
      return got.length > 0 ? got : undefined;
    });
    expect(inAm.map((a) => told(a, keys))).toEqual([expected]);
    expect((await fetch(`${sim}/faults/${fault.id}`, { method: 'DELETE' })).ok).toBe(true);
    await until('WarehouseBackupJobFailed resolved in Prometheus', 60, async () =>
      (await backupAlerts('WarehouseBackupJobFailed')).length === 0 ? true : undefined,
    );
    await until('WarehouseBackupJobFailed resolved in Alertmanager', 30, async () =>
      (await amAlerts()).some((a) => a.labels.alertname === 'WarehouseBackupJobFailed') ? undefined : true,
    );
  }, 200_000);

  it('refuses to start twice, naming what runs (exit 2)', () => {
    const again = runCli(up);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(
      /is already running: simulator \(pid \d+\), alertmanager \(pid \d+\), prometheus \(pid \d+\); run citycloud monitor down --dir \S+ first$/,
    );
  });

  it('stops exactly what it started', async () => {
    const down = runCli(['monitor', 'down', '--dir', dir]);
    expect(down.stdout).toMatch(
      /^✓ stopped simulator \(pid \d+\), alertmanager \(pid \d+\), prometheus \(pid \d+\)$/m,
    );
    await expect(fetch(`${prom}/-/ready`)).rejects.toThrow();
    expect(runCli(['monitor', 'down', '--dir', dir]).stdout).toContain('nothing was running');
  });
});

describe('citycloud monitor up without Prometheus', () => {
  it('names the package to install and exits 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../../bin/citycloud.mjs'), 'monitor', 'up', '--dir', tempDir()],
      {
        encoding: 'utf8',
        env: { ...process.env, PATH: '/nonexistent' },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'prometheus is not installed; install it with: apt-get install -y prometheus',
    );
  });
});
