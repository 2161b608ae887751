/**
 * The fleet simulator: one HTTP server (127.0.0.1) that answers for every server of the inventory
 * as its node_exporter would (one scrape target each, so `up` comes from the scrape), for every
 * warehouse, for the public services' request counters, and for blackbox probes of the connection
 * points. Values come from the deterministic load model; faults are injected over a small API:
 *
 *   GET    /servers/<name>/metrics      GET /warehouses/<id>/metrics     GET /services/metrics
 *   GET    /walg/<pod>/metrics          (the WAL-G exporter beside a PostgreSQL shard's pod)
 *   GET    /probe?target=<ip>&module=   GET /snmp?target=<hub ip>&module=if_mib   GET /-/healthy
 *   GET    /faults    POST /faults {"kind","target",…settings}    DELETE /faults/<id>    DELETE /faults
 *          (kinds: server-down, disk-filling {fillSeconds}, link-down, district-isolated,
 *           pool-load {utilisation, servers}, replica-down {shard, replica}, and a server's health:
 *           inodes-filling {fillSeconds}, unit-failed and unit-crashloop {unit}, and the others of
 *           faults.ts's NODE_CONDITION_KINDS; the cluster's: KUBERNETES_FAULT_KINDS, cluster-state.ts;
 *           the backups': backups-stopped, wal-archive-stuck, backup-job-failed {shard}, drill-failed)
 *   GET    /kube-state-metrics/metrics   GET /kubelet/metrics   GET /kubelet/metrics/cadvisor
 *   GET    /apiserver/metrics           (the cluster's objects, when it was given them; else 404)
 *   GET    /fleet/servers/<name>        POST /fleet/servers/<name>/<cordon|drain|fence|unfence|upgrade|reboot|uncordon>
 *   GET    /fleet/record                (what maintenance did: installs per server, most out at once;
 *                                         Certificates renewed, workloads restarted)
 *   POST   /fleet/certificates {namespace, name, secretName, expiresInDays, workloads: [{kind, name}]}
 *   GET    /fleet/certificates/<ns>/<name>   POST …/renew   GET /fleet/workloads/<ns>?secret=<name>
 *   POST   /fleet/workloads/<ns>/<Kind>/<name>/restart   GET /cert-manager/metrics
 *
 * Each scrape renders only its own target's few series, so no request holds the event loop.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { planAddresses } from '../../model/address-plan.ts';
import { type CityModel, cityLabel, NAMESPACE_LABELS, NODE_LABELS, quote } from '../../model/index.ts';
import { type ClusterObjects, objectKey } from '../../view/cluster-objects.ts';
import { createProbeResult } from '../metrics/blackbox.ts';
import { createUplinkInterface } from '../metrics/if-octets.ts';
import { createKubeCronJobs } from '../metrics/kube-cronjobs.ts';
import { createKubeState } from '../metrics/kube-state.ts';
import {
  createCadvisorThrottling,
  createClientCertificates,
  createKubeletVolumes,
} from '../metrics/kubelet.ts';
import { createNodeCpuSeconds } from '../metrics/node-cpu.ts';
import { createNodeFilesystem } from '../metrics/node-filesystem.ts';
import { createNodeHealth } from '../metrics/node-health.ts';
import { createNodeMemory } from '../metrics/node-memory.ts';
import { createNodeVersion } from '../metrics/node-version.ts';
import { createServiceRequests } from '../metrics/service-requests.ts';
import { createWalg, type WalgReading } from '../metrics/walg.ts';
import { createWarehouseReplicaUp } from '../metrics/warehouse-replica.ts';
import { createWarehouseVolumes } from '../metrics/warehouse-volume.ts';
import { type CertificateSpec, ClusterCertificates } from './cluster-certificates.ts';
import { ClusterState } from './cluster-state.ts';
import {
  DEFAULT_POOL_LOAD,
  type Fault,
  type FaultKind,
  type FaultSettings,
  faultProblem,
  isKubernetesFault,
  isNodeCondition,
  type NodeConditionKind,
  settingsProblem,
} from './faults.ts';
import { FleetMaintenance, isMaintenanceAction } from './fleet-maintenance.ts';
import {
  busySecondsAt,
  diskFreeAt,
  GROWTH_EPOCH,
  jitter,
  memoryUsedAt,
  type ServerLoad,
  serverLoads,
  storageUsedAt,
  type UplinkTraffic,
  uplinkTraffics,
  type WarehouseStorage,
  warehouseStorages,
} from './load-model.ts';
import { CONDITION_LEVELS, NodeConditions } from './node-conditions.ts';
import { PoolLoad } from './pool-load.ts';
import { WarehouseBackups } from './warehouse-backups.ts';

/** How fast a disk-filling fault eats the free space: all of it in two hours. */
const FILL_SECONDS = 2 * 3600;

export class FleetSimulator {
  private readonly loads: Map<string, ServerLoad>;
  private readonly servers = new Map<string, Registry>();
  private readonly faults = new Map<string, Fault>();
  /** The same faults by target: a scrape looks at its own target's faults only. */
  private readonly byTarget = new Map<string, Set<Fault>>();
  private readonly pointByAddress = new Map<string, { id: string; district: string | null }>();
  private readonly storage: Map<string, WarehouseStorage>;
  /** Each district hub's primary uplink, by the hub's loopback address (what snmp_exporter polls). */
  private readonly uplinkByAddress = new Map<string, { traffic: UplinkTraffic; registry: Registry }>();
  private readonly warehouses: Registry;
  private readonly services: Registry;
  private nextFault = 1;
  /** The extra CPU that pool-load and cpu-saturated faults put on servers. */
  private readonly poolLoad = new PoolLoad();
  /** Each server's health as node-mixin's alerts read it, and what node-condition faults do to it. */
  private readonly conditions: NodeConditions;
  /** Cordon, drain, upgrade, reboot, uncordon: what the upgrade runbook's sim executor drives. */
  readonly maintenance: FleetMaintenance;
  /** The cluster's cert-manager Certificates and the workloads mounting them. */
  private readonly certificates: ClusterCertificates;
  /** The cluster's objects and what the Kubernetes faults do to them, when it was given them. */
  private readonly cluster: ClusterState | null;
  /** The warehouses' backups: the WAL-G exporters, the backup and drill CronJobs. */
  private readonly backups: WarehouseBackups;
  private readonly clusterRegistries: {
    ksm: Registry;
    kubelet: Registry;
    cadvisor: Registry;
    apiserver: Registry;
  } | null;

  constructor(
    private readonly model: CityModel,
    /** The time, unix seconds; the tests pass their own clock. */
    private readonly now: () => number = () => Date.now() / 1000,
    /** Faults play out this many times faster (the local stack's --time-scale). */
    private readonly timeScale = 1,
    /** The Kubernetes objects the stacks create (view/cluster-objects.ts); none: no cluster served. */
    clusterObjects: ClusterObjects | null = null,
  ) {
    this.loads = new Map(serverLoads(model).map((l) => [l.server, l]));
    this.conditions = new NodeConditions((t) => t - GROWTH_EPOCH, timeScale);
    this.backups = new WarehouseBackups(model, GROWTH_EPOCH, timeScale);
    this.cluster = clusterObjects
      ? new ClusterState(clusterObjects, GROWTH_EPOCH, timeScale, {
          namespaces: NAMESPACE_LABELS.map((l) => cityLabel(l)),
          nodes: NODE_LABELS.map((l) => cityLabel(l)),
        })
      : null;
    this.clusterRegistries = this.cluster ? this.clusterRegistriesOf(this.cluster) : null;
    this.certificates = new ClusterCertificates(now);
    this.maintenance = new FleetMaintenance(
      model,
      this.loads,
      now,
      timeScale,
      (server) => this.faultOn('server-down', server) !== undefined,
    );
    for (const s of planAddresses(model).sites) {
      const p = model.network.points.find((x) => x.id === s.point);
      this.pointByAddress.set(s.loopback.replace('/32', ''), {
        id: s.point,
        district: p?.level === 'district' ? p.id : (p?.district ?? null),
      });
    }
    this.storage = new Map(warehouseStorages(model).map((w) => [w.warehouse, w]));
    const hubAddress = new Map([...this.pointByAddress].map(([address, p]) => [p.id, address]));
    for (const traffic of uplinkTraffics(model)) {
      const address = hubAddress.get(traffic.district);
      if (!address) continue;
      const registry = new Registry();
      createUplinkInterface(registry, {
        ifName: `uplink-${traffic.link.split('--')[1] ?? 'core'}`,
        speedMbps: traffic.capacityMbps,
        // out: what the district sends up; in: a little less comes back down
        octets: () => {
          const out = busySecondsAt(traffic.load, this.now());
          return { out, in: 0.6 * out };
        },
      });
      this.uplinkByAddress.set(address, { traffic, registry });
    }
    this.warehouses = new Registry();
    this.services = new Registry();
    const tiers = new Map(model.serviceTiers.map((t) => [t.id, t.availability]));
    createServiceRequests(
      this.services,
      model.publicServices.map((s) => {
        // a steady rate per service, erring at a tenth of its tier's budget
        const perSecond = 0.5 + 4 * jitter(s.id);
        const errorRatio = (1 - (tiers.get(s.tier) ?? 0.99)) / 10;
        return {
          service: s.id,
          agency: s.agency,
          tier: s.tier,
          // smooth totals, not whole requests: a fresh Prometheus (or a fast time scale) sees a
          // few seconds of a service, where one whole error would read as a burst of them
          totals: () => {
            const requests = perSecond * (this.now() - GROWTH_EPOCH);
            return { requests, errors: requests * errorRatio };
          },
        };
      }),
    );
  }

  private clusterRegistriesOf(cluster: ClusterState) {
    const faults = () => this.listFaults().filter((f) => isKubernetesFault(f.kind));
    const ksm = new Registry();
    createKubeState(ksm, () => cluster.ksm(faults()));
    // the backups' and drills' CronJobs (their Jobs are the simulator's, not the stacks')
    createKubeCronJobs(ksm, () => this.backups.cronJobs(this.listFaults(), this.now()));
    const kubelet = new Registry();
    createKubeletVolumes(kubelet, () => cluster.volumes(faults(), this.now()));
    const cadvisor = new Registry();
    createCadvisorThrottling(cadvisor, () => cluster.throttling(faults(), this.now()));
    const apiserver = new Registry();
    createClientCertificates(apiserver, () => cluster.certificates(faults(), this.now()));
    return { ksm, kubelet, cadvisor, apiserver };
  }

  /** A cluster component's metrics: null when it is down, undefined when there is no cluster. */
  async scrapeCluster(
    part: 'ksm' | 'kubelet' | 'cadvisor' | 'apiserver',
  ): Promise<string | null | undefined> {
    if (!this.clusterRegistries) return undefined;
    const down =
      part === 'apiserver'
        ? this.faultOn('apiserver-down', 'cluster')
        : part === 'kubelet' || part === 'cadvisor'
          ? this.faultOn('kubelet-down', 'cluster')
          : undefined;
    return down ? null : this.clusterRegistries[part].metrics();
  }

  /** The registry of one server, made on its first scrape. */
  private serverRegistry(name: string): Registry | null {
    const known = this.servers.get(name);
    if (known) return known;
    const load = this.loads.get(name);
    if (!load) return null;
    const registry = new Registry();
    createNodeCpuSeconds(registry, {
      cores: load.cores,
      uptimeSeconds: () => this.now() - GROWTH_EPOCH,
      busySeconds: () =>
        this.poolLoad.busySeconds(name, load.cores, this.maintenance.busySeconds(name), this.now()),
    });
    createNodeMemory(registry, {
      totalBytes: load.memoryBytes,
      usedBytes: () => {
        const used = Math.min(
          0.98 * load.memoryBytes,
          memoryUsedAt(load, this.now()) * this.maintenance.memoryFactor(name),
        );
        return this.faultOn('memory-pressure', name)
          ? Math.max(used, CONDITION_LEVELS.memoryShare * load.memoryBytes)
          : used;
      },
    });
    createNodeVersion(registry, {
      version: () => this.maintenance.view(name).version,
      bootTime: () => this.maintenance.view(name).bootTime,
    });
    createNodeFilesystem(registry, { sizeBytes: load.diskBytes, freeBytes: () => this.diskFree(name, load) });
    createNodeHealth(registry, () =>
      this.conditions.reading(name, load, this.conditionsOn(name), this.now()),
    );
    this.servers.set(name, registry);
    return registry;
  }

  private diskFree(name: string, load: ServerLoad): number {
    const t = this.now();
    const filling = this.faultOn('disk-filling', name);
    if (!filling) return diskFreeAt(load, t);
    const start = diskFreeAt(load, filling.since);
    const fill = filling.fillSeconds ?? FILL_SECONDS / this.timeScale;
    return start * (1 - Math.min(1, (t - filling.since) / fill));
  }

  /** The node-condition faults on a server now, by kind (two units may have failed at once). */
  private conditionsOn(server: string): Map<NodeConditionKind, Fault[]> {
    const on = new Map<NodeConditionKind, Fault[]>();
    for (const f of this.byTarget.get(server) ?? [])
      if (isNodeCondition(f.kind)) on.set(f.kind, [...(on.get(f.kind) ?? []), f]);
    return on;
  }

  private faultOn(kind: FaultKind, target: string): Fault | undefined {
    for (const f of this.byTarget.get(target) ?? []) if (f.kind === kind) return f;
    return undefined;
  }

  /** The Prometheus text of one server, or null when it is down (or unknown). */
  async scrapeServer(name: string): Promise<string | null> {
    if (this.faultOn('server-down', name) || this.maintenance.isDown(name)) return null;
    return (await this.serverRegistry(name)?.metrics()) ?? null;
  }

  async scrapeWarehouse(id: string): Promise<string | null> {
    const w = this.model.warehouses.find((x) => x.id === id);
    if (!w) return null;
    const registry = new Registry();
    const down = new Set(
      this.listFaults()
        .filter((f) => f.kind === 'replica-down' && f.target === w.id)
        .map((f) => `${f.shard}/${f.replica}`),
    );
    createWarehouseReplicaUp(registry, {
      warehouse: w.id,
      shards: w.shards,
      replicas: w.replicas,
      isUp: (shard, replica) => !down.has(`${shard}/${replica}`),
    });
    const storage = this.storage.get(w.id) as WarehouseStorage;
    createWarehouseVolumes(registry, {
      warehouse: w.id,
      shards: w.shards,
      replicas: w.replicas,
      capacityBytes: storage.volumeBytes,
      usedBytes: (shard, replica) => storageUsedAt(storage, shard, replica, this.now()),
    });
    return registry.metrics();
  }

  /** What the WAL-G exporter beside a PostgreSQL shard's pod answers, or null for no such pod. */
  async scrapeWalg(pod: string): Promise<string | null> {
    if (!this.backups.hasPod(pod)) return null;
    const registry = new Registry();
    createWalg(registry, () => this.backups.walg(pod, this.listFaults(), this.now()) as WalgReading);
    return registry.metrics();
  }

  scrapeServices(): Promise<string> {
    return this.services.metrics();
  }

  /** What blackbox_exporter would answer for a probe of this address. */
  async probe(address: string): Promise<string> {
    const point = this.pointByAddress.get(address);
    const down =
      !point ||
      this.faultOn('link-down', point.id) !== undefined ||
      (point.district !== null && this.faultOn('district-isolated', point.district) !== undefined);
    const registry = new Registry();
    createProbeResult(registry, {
      success: !down,
      durationSeconds: down ? 5 : 0.002 + 0.01 * jitter(address),
    });
    return registry.metrics();
  }

  /** What snmp_exporter would answer for a hub's address: its primary uplink's counters (or null). */
  async snmp(address: string): Promise<string | null> {
    return (await this.uplinkByAddress.get(address)?.registry.metrics()) ?? null;
  }

  /**
   * Starts a fault; throws a one-line error for a kind, target or setting the model does not
   * have. Settings: fillSeconds (disk-filling), utilisation and servers (pool-load: the pool's
   * servers, or the ones named, held at that busy share, 0.95 by default), shard and replica
   * (replica-down).
   */
  inject(kind: unknown, target: unknown, settings: FaultSettings = {}): Fault {
    const problem =
      faultProblem(this.model, kind, target, this.cluster?.objects ?? null) ??
      settingsProblem(this.model, kind as FaultKind, target as string, settings) ??
      this.ordinalProblem(kind as FaultKind, target as string, settings.ordinal);
    if (problem) throw new RangeError(problem);
    const fault: Fault = {
      id: String(this.nextFault++),
      kind: kind as FaultKind,
      target: target as string,
      since: this.now(),
      ...(settings.fillSeconds === undefined ? {} : { fillSeconds: settings.fillSeconds as number }),
      ...(settings.unit === undefined ? {} : { unit: settings.unit as string }),
      ...(settings.pods === undefined ? {} : { pods: settings.pods as number }),
      ...(settings.missing === undefined ? {} : { missing: settings.missing as number }),
      ...(settings.share === undefined ? {} : { share: settings.share as number }),
      ...(settings.ordinal === undefined ? {} : { ordinal: settings.ordinal as number }),
      ...(settings.days === undefined ? {} : { days: settings.days as number }),
      ...(kind === 'pool-load'
        ? {
            utilisation: (settings.utilisation as number | undefined) ?? DEFAULT_POOL_LOAD,
            servers:
              (settings.servers as string[] | undefined) ??
              this.model.servers.filter((x) => x.pool === target).map((x) => x.name),
          }
        : {}),
      ...(kind === 'replica-down'
        ? { shard: settings.shard as number, replica: settings.replica as number }
        : {}),
      ...(settings.shard !== undefined && kind !== 'replica-down' ? { shard: settings.shard as number } : {}),
    };
    this.faults.set(fault.id, fault);
    this.byTarget.set(fault.target, (this.byTarget.get(fault.target) ?? new Set()).add(fault));
    for (const [name, utilisation] of this.loadedBy(fault)) {
      const load = this.loads.get(name) as ServerLoad;
      const normal = this.maintenance.busySeconds(name);
      this.poolLoad.start(name, fault.id, load.cores, utilisation, normal, fault.since);
    }
    return fault;
  }

  clear(id?: string): boolean {
    const ended =
      id === undefined ? [...this.faults.values()] : [this.faults.get(id)].filter((f) => f !== undefined);
    const t = this.now();
    for (const f of ended) {
      this.faults.delete(f.id);
      const others = this.byTarget.get(f.target);
      others?.delete(f);
      if (others?.size === 0) this.byTarget.delete(f.target);
      // a server that answers again has booted
      if (
        f.kind === 'server-down' &&
        this.maintenance.has(f.target) &&
        !this.faultOn('server-down', f.target)
      )
        this.maintenance.booted(f.target);
      for (const [name] of this.loadedBy(f)) {
        const load = this.loads.get(name) as ServerLoad;
        this.poolLoad.end(name, f.id, load.cores, this.maintenance.busySeconds(name), t);
      }
    }
    return id === undefined || ended.length > 0;
  }

  /** A pv-filling fault's pod must be one of its StatefulSet's. */
  private ordinalProblem(kind: FaultKind, target: string, ordinal: unknown): string | null {
    if (kind !== 'pv-filling' || ordinal === undefined) return null;
    const w = this.cluster?.objects.workloads.find((x) => objectKey(x) === target);
    return w && (ordinal as number) < w.replicas
      ? null
      : `ordinal must be a pod of ${target}, from 0 to ${(w?.replicas ?? 1) - 1}; got ${JSON.stringify(ordinal)}`;
  }

  /** The servers a fault holds busy, and at what share of their CPUs: a pool's, or a saturated one. */
  private loadedBy(f: Fault): [string, number][] {
    if (f.kind === 'pool-load') return (f.servers ?? []).map((name) => [name, f.utilisation as number]);
    return f.kind === 'cpu-saturated' ? [[f.target, 1]] : [];
  }

  listFaults(): Fault[] {
    return [...this.faults.values()];
  }

  /** Serves the simulator on 127.0.0.1 only. */
  listen(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: Error) => send(res, 500, `simulator error: ${err.message}\n`));
    });
    // a client reuses an idle connection until the server's Keep-Alive timeout (less a second);
    // a test whose event loop a spawnSync blocks for longer than Node's 5 s default reused one
    // the simulator was closing ("other side closed"): idle connections stay a minute
    server.keepAliveTimeout = 60_000;
    server.headersTimeout = 65_000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  }

  /**
   * The cluster's Certificates and workloads: registered (POST /fleet/certificates), read,
   * renewed and restarted as the sim executor does for a runbook.
   */
  private async routeCertificates(req: IncomingMessage, res: ServerResponse, parts: string[], url: URL) {
    const c = this.certificates;
    try {
      if (parts[1] === 'certificates' && parts.length === 2 && req.method === 'POST') {
        const body = await readBody(req);
        c.add(JSON.parse(body ?? 'null') as CertificateSpec);
        return sendJson(res, 201, { ok: true });
      }
      const [, what, namespace = '', a = '', b = '', verb] = parts;
      if (what === 'certificates' && parts.length === 4 && req.method === 'GET') {
        const found = c.certificate(namespace, a);
        return found
          ? sendJson(res, 200, found)
          : send(
              res,
              404,
              `no certificate ${quoted(`${namespace}/${a}`)}
`,
            );
      }
      if (what === 'certificates' && parts.length === 5 && b === 'renew' && req.method === 'POST')
        return sendJson(res, 200, c.renew(namespace, a));
      if (what === 'workloads' && parts.length === 3 && req.method === 'GET')
        return sendJson(res, 200, c.mounting(namespace, url.searchParams.get('secret') ?? ''));
      if (what === 'workloads' && parts.length === 6 && verb === 'restart' && req.method === 'POST')
        return sendJson(res, 200, c.restart(namespace, a, b));
      return send(res, 404, 'not found\n');
    } catch (err) {
      return send(res, err instanceof SyntaxError ? 400 : 409, `${(err as Error).message}\n`);
    }
  }

  /** The maintenance API: a server's state, an action on it, the record of what was done. */
  private async routeFleet(
    req: IncomingMessage,
    res: ServerResponse,
    parts: string[],
    url: URL,
  ): Promise<void> {
    if (req.method === 'GET' && parts[1] === 'record' && parts.length === 2)
      return sendJson(res, 200, { ...this.maintenance.record(), ...this.certificates.record() });
    if (parts[1] === 'certificates' || parts[1] === 'workloads')
      return this.routeCertificates(req, res, parts, url);
    const name = parts[2];
    if (parts[1] !== 'servers' || !name || parts.length > 4) return send(res, 404, 'not found\n');
    if (!this.maintenance.has(name)) return send(res, 404, `no server ${quoted(name)}\n`);
    if (req.method === 'GET' && parts.length === 3) return sendJson(res, 200, this.maintenance.view(name));
    const action = parts[3] ?? '';
    if (req.method !== 'POST' || !isMaintenanceAction(action))
      return send(
        res,
        404,
        'expected POST /fleet/servers/<name>/<cordon|drain|fence|unfence|upgrade|reboot|uncordon>\n',
      );
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      return send(res, 415, 'expected Content-Type: application/json\n');
    const body = await readBody(req);
    let parsed: { version?: unknown } = {};
    try {
      parsed = body ? (JSON.parse(body) as typeof parsed) : {};
    } catch {
      return send(res, 400, 'expected a JSON object such as {"version": "2026.12"}\n');
    }
    try {
      return sendJson(res, 200, this.maintenance.act(name, action, parsed?.version));
    } catch (err) {
      return send(res, 409, `${(err as Error).message}\n`);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // a page in the user's browser can send requests to 127.0.0.1 too: only this machine's own
    // clients, by a Host of 127.0.0.1 or localhost (no DNS rebinding) and no foreign Origin
    const refused = refusedRequest(req);
    if (refused) return send(res, refused.status, `${refused.message}\n`);
    let url: URL;
    let parts: string[];
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
      parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return send(res, 400, 'malformed URL: expected a path such as /servers/<name>/metrics\n');
    }
    const text = (body: string | null) =>
      body === null
        ? send(res, 503, 'down\n')
        : send(res, 200, body, 'text/plain; version=0.0.4; charset=utf-8');
    if (req.method === 'GET' && parts[0] === 'servers' && parts[2] === 'metrics' && parts[1]) {
      if (!this.loads.has(parts[1])) return send(res, 404, `no server ${quoted(parts[1])}\n`);
      return text(await this.scrapeServer(parts[1]));
    }
    if (req.method === 'GET' && parts[0] === 'warehouses' && parts[2] === 'metrics' && parts[1])
      return text(await this.scrapeWarehouse(parts[1]));
    if (
      req.method === 'GET' &&
      parts[0] === 'walg' &&
      parts[2] === 'metrics' &&
      parts.length === 3 &&
      parts[1]
    ) {
      const body = await this.scrapeWalg(parts[1]);
      return body === null ? send(res, 404, `no PostgreSQL shard pod ${quoted(parts[1])}\n`) : text(body);
    }
    if (req.method === 'GET' && url.pathname === '/services/metrics')
      return text(await this.scrapeServices());
    const clusterPart = CLUSTER_PATHS[url.pathname];
    if (req.method === 'GET' && clusterPart) {
      const body = await this.scrapeCluster(clusterPart);
      return body === undefined ? send(res, 404, 'this simulator serves no cluster\n') : text(body);
    }
    if (req.method === 'GET' && url.pathname === '/probe')
      return text(await this.probe(url.searchParams.get('target') ?? ''));
    if (req.method === 'GET' && url.pathname === '/snmp') {
      const body = await this.snmp(url.searchParams.get('target') ?? '');
      return body === null ? send(res, 404, 'no district hub at that target\n') : text(body);
    }
    if (req.method === 'GET' && url.pathname === '/-/healthy') return send(res, 200, 'ok\n');
    if (parts[0] === 'fleet') return this.routeFleet(req, res, parts, url);
    if (req.method === 'GET' && url.pathname === '/cert-manager/metrics')
      return text(this.certificates.metrics());
    if (parts[0] === 'faults') {
      if (req.method === 'GET') return sendJson(res, 200, this.listFaults());
      if (req.method === 'DELETE')
        return this.clear(parts[1])
          ? send(res, 204, '')
          : send(res, 404, `no fault ${quoted(parts[1] ?? '')}\n`);
      if (req.method === 'POST') {
        if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
          return send(res, 415, 'expected Content-Type: application/json\n');
        const body = await readBody(req);
        if (body === null) {
          res.setHeader('connection', 'close');
          send(res, 413, `request body over ${MAX_BODY_BYTES} bytes; expected a small JSON object\n`);
          req.destroy();
          return;
        }
        let fault: { kind?: unknown; target?: unknown } & FaultSettings;
        try {
          fault = JSON.parse(body) as typeof fault;
        } catch {
          fault = null as unknown as typeof fault;
        }
        if (fault === null || typeof fault !== 'object' || Array.isArray(fault))
          return send(res, 400, 'expected a JSON object {"kind": …, "target": …}\n');
        if (this.faults.size >= MAX_FAULTS)
          return send(
            res,
            409,
            `${MAX_FAULTS} faults are active, the most the simulator keeps; clear some first (DELETE /faults)\n`,
          );
        try {
          const { kind, target, ...settings } = fault;
          return sendJson(res, 201, this.inject(kind, target, settings));
        } catch (err) {
          return send(res, 400, `${(err as Error).message}\n`);
        }
      }
    }
    send(res, 404, 'not found\n');
  }
}

/** The cluster's endpoints: kube-state-metrics, the kubelets (and their cAdvisor), the API server. */
const CLUSTER_PATHS: Readonly<Record<string, 'ksm' | 'kubelet' | 'cadvisor' | 'apiserver'>> = {
  '/kube-state-metrics/metrics': 'ksm',
  '/kubelet/metrics': 'kubelet',
  '/kubelet/metrics/cadvisor': 'cadvisor',
  '/apiserver/metrics': 'apiserver',
};

/** Largest request body read; a fault is a few dozen bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Most faults active at once (every server of the built-in city down is about 1,000). */
export const MAX_FAULTS = 20_000;

const quoted = (text: string) => quote(text, 80);

/** Why a request does not come from this machine's own tools, or null when it does. */
function refusedRequest(req: IncomingMessage): { status: number; message: string } | null {
  const port = req.socket.localPort;
  const own = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = req.headers.host ?? '';
  if (!own.has(host.toLowerCase()))
    return {
      status: 403,
      message: `Host ${quoted(host)} refused; expected 127.0.0.1:${port} or localhost:${port}`,
    };
  const origin = req.headers.origin;
  const writes = req.method !== 'GET' && req.method !== 'HEAD';
  if (writes && origin !== undefined && !own.has(origin.toLowerCase().replace(/^http:\/\//, '')))
    return {
      status: 403,
      message: `Origin ${quoted(origin)} refused; the fault API takes requests from this machine's tools only`,
    };
  return null;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value)}\n`, 'application/json');
}

/** The body as text, or null as soon as it passes MAX_BODY_BYTES (nothing more is kept). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
