/**
 * `citycloud monitor up --shards 3` on the real binaries: three shard Prometheus servers and a
 * global one (Debian's package), Alertmanager and the simulated city (the built-in one's servers,
 * three of its districts). Every target is
 * scraped by exactly one shard; a pool driven over its headroom fires once, on the global, while
 * a pool loaded only on the servers one shard scrapes does not (though that shard alone would
 * think it over); a warehouse shard losing its quorum, a server's degraded RAID array and a
 * district isolated each fire once.
 */

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { type CityModel, loadCity, poolHeadrooms, serversInService } from '../../model/index.ts';
import { localTargetCount } from '../../monitoring/local/local-config.ts';
import { walgTargets } from '../../monitoring/scrape-targets.ts';
import { ROOT, runCli, tempDir } from '../helpers/city.ts';
import { freePorts, monitorUpArgs, query, untilTrue } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';

/**
 * The built-in city with its first three districts (d760 among them): every server and pool, and
 * a fifth of the probes, so four Prometheus servers scraping every 2 s leave the machine to the
 * other tests running beside this one.
 */
function fewerDistricts(): string {
  const dir = tempDir();
  cpSync(join(ROOT, 'inventory'), dir, { recursive: true });
  const file = join(dir, 'network.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const districts = doc.getIn(['network', 'districts']) as YAMLSeq;
  districts.items = districts.items.slice(0, 3);
  // each ward's backup goes through the next kept district's hub
  const ids = districts.items.map((d) => (d as YAMLMap).get('id') as string);
  districts.items.forEach((d, i) => {
    (d as YAMLMap).set('wardBackupVia', ids[(i + 1) % ids.length]);
  });
  writeFileSync(file, doc.toString());
  // the address pins name the districts left out: plan the addresses afresh
  writeFileSync(join(dir, 'addresses.yaml'), 'addressPins: {blocks: {}, sites: {}}\n');
  return join(dir, 'city.yaml');
}

const CITY = fewerDistricts();
const model = loadCity(CITY).model as CityModel;
/** The servers scraped: those in service (the 2024 plan's do not exist yet). */
const built = serversInService(model);
const SHARDS = 3;

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
}

describeWith([LOCAL_STACK], 'monitor up --shards 3 on the real binaries', () => {
  const dir = join(tempDir(), 'monitor');
  let global = '';
  let alertmanager = '';
  let simulator = '';
  let shards: string[] = [];
  let started: ReturnType<typeof runCli>;
  /** Which shard scrapes each target, job/instance → shard index (from each shard's own `up`). */
  const scrapedBy = new Map<string, number[]>();

  beforeAll(async () => {
    const [p, a, s, ...sp] = (await freePorts(3 + SHARDS)) as [number, number, number, ...number[]];
    global = `http://127.0.0.1:${p}`;
    alertmanager = `http://127.0.0.1:${a}`;
    simulator = `http://127.0.0.1:${s}`;
    shards = sp.map((port) => `http://127.0.0.1:${port}`);
    started = runCli(
      monitorUpArgs({
        inventory: CITY,
        dir,
        ports: { prometheus: p, alertmanager: a, simulator: s },
        // scrapes stay at their 2 s floor at any time scale past 15: 60 makes the alerts' for
        // windows and the rules' 6-hour windows a third of what 20 made them (PoolCpuOverHeadroom's
        // 30 minutes 30 s, not 90), so the four Prometheus servers run a minute less
        timeScale: 60,
        historyDays: 2,
        more: ['--shards', String(SHARDS), '--shard-ports', sp.join(',')],
      }),
    );
    if (started.code !== 0) throw new Error(`monitor up failed: ${started.stderr || started.stdout}`);
    // every target scraped once by the shards, and their partials federated to the global
    const expected = localTargetCount(model);
    await untilTrue('every target scraped by a shard', 180, async () => {
      const counts = await Promise.all(shards.map((url) => query(url, 'count(up)')));
      return counts.reduce((sum, r) => sum + Number(r[0]?.value[1] ?? 0), 0) >= expected;
    });
    await untilTrue(
      'the global federating all shards',
      60,
      async () => (await query(global, 'count(up{job="federate"} == 1)'))[0]?.value[1] === String(SHARDS),
    );
    await untilTrue('every pool recorded on the global', 60, async () => {
      const r = await query(global, 'count(pool:node_cpu_utilisation:ratio_rate5m)');
      return Number(r[0]?.value[1]) === new Set(built.map((x) => x.pool)).size;
    });
    for (const [i, url] of shards.entries())
      for (const r of await query(url, 'up')) {
        // a server by its name, a point by its id, a warehouse by its id, a WAL-G exporter by its
        // pod (behind the simulator, the exporters of a kind share one address)
        const key = `${r.metric.job}/${r.metric.pod ?? r.metric.point ?? r.metric.warehouse ?? r.metric.instance}`;
        scrapedBy.set(key, [...(scrapedBy.get(key) ?? []), i]);
      }
  }, 300_000);
  afterAll(() => {
    runCli(['monitor', 'down', '--dir', dir]);
  });

  const amAlerts = async (alertname: string) =>
    (
      (await (
        await fetch(`${alertmanager}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`)
      ).json()) as AmAlert[]
    ).filter((x) => x.status.state === 'active');
  const promAlerts = async (url: string, alertname: string) =>
    (
      (await (await fetch(`${url}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      }
    ).data.alerts.filter((x) => x.labels.alertname === alertname);
  /** The node instances shard i scrapes, per pool. */
  const onShard = (pool: string, i: number) =>
    built.filter((x) => x.pool === pool && scrapedBy.get(`node/${x.name}`)?.[0] === i).map((x) => x.name);

  it('starts three shards and a global one, each target scraped by exactly one shard', () => {
    expect(started.stdout).toContain(`Prometheus    ${global}  (global`);
    for (const [i, url] of shards.entries()) expect(started.stdout).toContain(`shard ${i}       ${url}`);
    const targets = [
      ...built.map((x) => `node/${x.name}`),
      ...model.network.points.flatMap((pt) => [`blackbox-icmp/${pt.id}`, `blackbox-tcp/${pt.id}`]),
      ...model.warehouses.map((w) => `warehouse/${w.id}`),
      ...walgTargets(model).map((g) => `walg/${g.labels.pod}`),
    ];
    const twice = [...scrapedBy].filter(([, by]) => by.length > 1);
    expect(twice).toEqual([]);
    const missing = targets.filter((t) => !scrapedBy.has(t));
    expect(missing.length, `not scraped: ${missing.slice(0, 5).join(', ')}`).toBe(0);
    // hashmod spreads the servers: each shard scrapes a fair share
    for (let i = 0; i < SHARDS; i++) {
      const nodes = built.filter((x) => scrapedBy.get(`node/${x.name}`)?.[0] === i).length;
      expect(nodes, `shard ${i}`).toBeGreaterThan(built.length / SHARDS / 2);
    }
  });

  it('backfills the history into the global', async () => {
    const twoDaysAgo = Date.now() / 1000 - 36 * 3600;
    const res = await fetch(
      `${global}/api/v1/query?query=${encodeURIComponent('count(pool:node_cpu_utilisation:ratio_rate5m)')}&time=${twoDaysAgo}`,
    );
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    // the pools with servers in service: the planned GPU pool has no history, as it has no servers yet
    expect(Number(body.data.result[0]?.value[1])).toBe(new Set(built.map((x) => x.pool)).size);
  });

  // the faults' tests wait on alerts' for windows, each on its own targets and alert names (no
  // inhibition between them): they run together, the capacity review and the stop after them
  it.concurrent('fires a pool over headroom once, on the global; a pool loaded on one shard’s servers does not fire', async () => {
    const headroom = poolHeadrooms(model);
    const now = new Map(
      (await query(global, 'pool:node_cpu_utilisation:ratio_rate5m')).map((r) => [
        r.metric.pool as string,
        Number(r.value[1]),
      ]),
    );
    // pools on every shard, well under their limit today
    const candidates = model.pools
      .filter((p) => {
        const h = headroom.get(p.id);
        return (
          h !== undefined &&
          h.servers >= 12 &&
          h.limit <= 0.9 &&
          (now.get(p.id) ?? 1) < h.limit - 0.3 &&
          [0, 1, 2].every((i) => onShard(p.id, i).length >= 2)
        );
      })
      .map((p) => p.id);
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    const [whole, partly] = candidates as [string, string];
    const post = (body: object) =>
      fetch(`${simulator}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ kind: 'pool-load', target: whole, utilisation: 0.98 })).status).toBe(201);
    const loaded = onShard(partly, 0);
    expect(
      (await post({ kind: 'pool-load', target: partly, utilisation: 0.98, servers: loaded })).status,
    ).toBe(201);
    await untilTrue(`PoolCpuOverHeadroom for ${whole} in Alertmanager`, 240, async () =>
      (await amAlerts('PoolCpuOverHeadroom')).some((x) => x.labels.pool === whole),
    );
    // once: one alert in Alertmanager, from the global, and no shard evaluates it
    const pages = (await amAlerts('PoolCpuOverHeadroom')).filter((x) => x.labels.pool === whole);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.labels.prometheus_shard).toBeUndefined();
    expect(
      (await promAlerts(global, 'PoolCpuOverHeadroom')).filter((x) => x.labels.pool === whole),
    ).toHaveLength(1);
    for (const url of shards) expect(await promAlerts(url, 'PoolCpuOverHeadroom')).toEqual([]);
    // the partly loaded pool was loaded as long: shard 0 alone sees it over its limit, the whole
    // pool is not, and nothing fires for it, not even pending
    const limit = headroom.get(partly)?.limit as number;
    const shardView = await query(
      shards[0] as string,
      `shard_pool:node_cpu_seconds_busy:sum_rate5m{pool="${partly}"} / shard_pool:node_cpu_seconds:sum_rate5m{pool="${partly}"}`,
    );
    expect(Number(shardView[0]?.value[1])).toBeGreaterThan(limit);
    const wholeView = await query(global, `pool:node_cpu_utilisation:ratio_rate5m{pool="${partly}"}`);
    expect(Number(wholeView[0]?.value[1])).toBeLessThan(limit);
    expect((await promAlerts(global, 'PoolCpuOverHeadroom')).filter((x) => x.labels.pool === partly)).toEqual(
      [],
    );
  }, 300_000);

  it.concurrent('fires a warehouse shard’s lost quorum once, on the global, and each replica down once', async () => {
    const w = model.warehouses.find((x) => x.id === 'population') as CityModel['warehouses'][number];
    const quorum = Math.floor(w.replicas / 2) + 1;
    const down = w.replicas - quorum + 1;
    for (let r = 1; r <= down; r++)
      await fetch(`${simulator}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'replica-down', target: w.id, shard: 5, replica: r }),
      });
    await untilTrue('WarehouseQuorumAtRisk in Alertmanager', 120, async () =>
      (await amAlerts('WarehouseQuorumAtRisk')).some((x) => x.labels.warehouse === w.id),
    );
    const quorumAlerts = (await amAlerts('WarehouseQuorumAtRisk')).filter((x) => x.labels.warehouse === w.id);
    expect(quorumAlerts.map((x) => x.labels.shard)).toEqual(['5']);
    await untilTrue(
      'WarehouseReplicaDown in Alertmanager',
      120,
      async () =>
        (await amAlerts('WarehouseReplicaDown')).filter((x) => x.labels.warehouse === w.id).length === down,
    );
    const replicas = (await amAlerts('WarehouseReplicaDown')).filter((x) => x.labels.warehouse === w.id);
    expect(replicas.map((x) => x.labels.replica).sort()).toEqual(
      Array.from({ length: down }, (_, i) => String(i + 1)),
    );
    expect(replicas.every((x) => x.labels.prometheus_shard === undefined)).toBe(true);
  }, 300_000);

  it.concurrent('fires a server’s node-mixin alert once, from the shard that scrapes it, never from the global', async () => {
    const server = built[0]?.name as string;
    const res = await fetch(`${simulator}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'raid-degraded', target: server }),
    });
    expect(res.status).toBe(201);
    for (const alertname of ['NodeRAIDDiskFailure', 'NodeRAIDDegraded'])
      await untilTrue(`${alertname} in Alertmanager`, 120, async () =>
        (await amAlerts(alertname)).some((x) => x.labels.instance === server),
      );
    const shard = scrapedBy.get(`node/${server}`)?.[0] as number;
    for (const alertname of ['NodeRAIDDiskFailure', 'NodeRAIDDegraded']) {
      const mine = (await amAlerts(alertname)).filter((x) => x.labels.instance === server);
      expect(mine, alertname).toHaveLength(1);
      expect(mine[0]?.labels.prometheus_shard).toBeUndefined();
      expect((await promAlerts(shards[shard] as string, alertname)).map((x) => x.labels.instance)).toEqual([
        server,
      ]);
      expect(await promAlerts(global, alertname)).toEqual([]);
    }
  }, 300_000);

  it.concurrent('fires the autoscaler and quota alerts once from the shard that scrapes kube-state-metrics, and the control plane’s from the global', async () => {
    const post = async (kind: string, target: string, settings: Record<string, unknown> = {}) => {
      const res = await fetch(`${simulator}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, target, ...settings }),
      });
      expect(res.status, `${kind} ${target}`).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const ids = [
      await post('hpa-maxed', 'tenant-edoc/edoc'),
      await post('hpa-stuck', 'tenant-email/email'),
      await post('quota-full', 'tenant-meeting', { share: 1 }),
      await post('quota-full', 'tenant-mis', { share: 1.2 }),
      await post('kubelet-down', 'cluster'),
      await post('apiserver-down', 'cluster'),
    ];
    const expected: [string, Record<string, string>][] = [
      [
        'KubeHpaMaxedOut',
        {
          namespace: 'tenant-edoc',
          horizontalpodautoscaler: 'edoc',
          agency: 'vp-ubnd',
          severity: 'critical',
        },
      ],
      [
        'KubeHpaReplicasMismatch',
        { namespace: 'tenant-email', horizontalpodautoscaler: 'email', owner: 'email' },
      ],
      ['KubeQuotaFullyUsed', { namespace: 'tenant-meeting', resource: 'requests.cpu', owner: 'meeting' }],
      ['KubeQuotaExceeded', { namespace: 'tenant-mis', resource: 'requests.cpu', owner: 'mis' }],
      ['KubeletDown', { job: 'kubelet', severity: 'critical' }],
      ['KubeAPIDown', { job: 'kube-apiserver', severity: 'critical' }],
    ];
    const mine = async ([name, labels]: [string, Record<string, string>]) =>
      (await amAlerts(name)).filter((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v));
    for (const e of expected)
      await untilTrue(`${e[0]} in Alertmanager`, 150, async () => (await mine(e)).length > 0);
    for (const e of expected) expect(await mine(e), e[0]).toHaveLength(1);
    // kube-state-metrics is one target, judged on the one shard that scrapes it; the kubelets and
    // the API server gone are an absence only the global can see across the shards
    const ksmShard = [...scrapedBy].find(([key]) => key.startsWith('kube-state-metrics/'))?.[1][0];
    expect(ksmShard).toBeDefined();
    expect(
      (await promAlerts(shards[ksmShard as number] as string, 'KubeHpaMaxedOut')).length,
    ).toBeGreaterThan(0);
    expect(await promAlerts(global, 'KubeHpaMaxedOut')).toEqual([]);
    for (const name of ['KubeletDown', 'KubeAPIDown']) {
      expect((await promAlerts(global, name)).length, name).toBe(1);
      for (const url of shards) expect(await promAlerts(url, name)).toEqual([]);
    }
    for (const id of ids) await fetch(`${simulator}/faults/${id}`, { method: 'DELETE' });
  }, 300_000);

  it.concurrent('fires DistrictIsolated once, on the global, for a district whose points span the shards', async () => {
    const district = 'd760';
    const points = model.network.points.filter((p) => p.district === district || p.id === district);
    const spread = new Set(points.map((p) => scrapedBy.get(`blackbox-icmp/${p.id}`)?.[0]));
    expect(spread.size).toBeGreaterThan(1);
    await fetch(`${simulator}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'district-isolated', target: district }),
    });
    await untilTrue('DistrictIsolated in Alertmanager', 120, async () =>
      (await amAlerts('DistrictIsolated')).some((x) => x.labels.district === district),
    );
    expect((await amAlerts('DistrictIsolated')).filter((x) => x.labels.district === district)).toHaveLength(
      1,
    );
    expect(
      (await promAlerts(global, 'DistrictIsolated')).filter((x) => x.labels.district === district),
    ).toHaveLength(1);
    for (const url of shards) expect(await promAlerts(url, 'DistrictIsolated')).toEqual([]);
  }, 300_000);

  it('lets the capacity review read the global by the same record names, saying when its history is too short (exit 2)', () => {
    const r = runCli([
      'runbook',
      'capacity-review',
      '--inventory',
      CITY,
      '--prometheus',
      global,
      '--out',
      tempDir(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^too little history for a forecast: pool:node_cpu_utilisation:ratio_rate5m\{pool="[\w-]+"\}: [0-2] whole days \(and \d+ more\); it needs at least 28 whole days/,
    );
  });

  it('stops exactly the six processes it started', () => {
    const pids = [
      'simulator',
      'alertmanager',
      'prometheus-shard-0',
      'prometheus-shard-1',
      'prometheus-shard-2',
      'prometheus',
    ].map((part) => Number(readFileSync(join(dir, `${part}.pid`), 'utf8').trim()));
    const down = runCli(['monitor', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    for (const part of [
      'prometheus-shard-0',
      'prometheus-shard-2',
      'prometheus (pid',
      'alertmanager',
      'simulator',
    ])
      expect(down.stdout).toContain(part);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
