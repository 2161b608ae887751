/**
 * The fleet simulator: one HTTP server (127.0.0.1) that answers for every server of the inventory
 * as its node_exporter would (one scrape target each, so `up` comes from the scrape), for every
 * warehouse, for the public services' request counters, and for blackbox probes of the connection
 * points. Values come from the deterministic load model; faults are injected over a small API:
 *
 *   GET    /servers/<name>/metrics      GET /warehouses/<id>/metrics     GET /services/metrics
 *   GET    /probe?target=<ip>&module=   GET /-/healthy
 *   GET    /faults    POST /faults {"kind","target"}    DELETE /faults/<id>    DELETE /faults
 *
 * Each scrape renders only its own target's few series, so no request holds the event loop.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { planAddresses } from '../../model/address-plan.ts';
import type { CityModel } from '../../model/index.ts';
import { createProbeResult } from '../metrics/blackbox.ts';
import { createNodeCpuSeconds } from '../metrics/node-cpu.ts';
import { createNodeFilesystem } from '../metrics/node-filesystem.ts';
import { createNodeMemory } from '../metrics/node-memory.ts';
import { createServiceRequests } from '../metrics/service-requests.ts';
import { createWarehouseReplicaUp } from '../metrics/warehouse-replica.ts';
import { type Fault, type FaultKind, faultProblem } from './faults.ts';
import {
  busySecondsAt,
  diskFreeAt,
  GROWTH_EPOCH,
  jitter,
  memoryUsedAt,
  type ServerLoad,
  serverLoads,
} from './load-model.ts';

/** How fast a disk-filling fault eats the free space: all of it in two hours. */
const FILL_SECONDS = 2 * 3600;

export class FleetSimulator {
  private readonly loads: Map<string, ServerLoad>;
  private readonly servers = new Map<string, Registry>();
  private readonly faults = new Map<string, Fault>();
  private readonly pointByAddress = new Map<string, { id: string; district: string | null }>();
  private readonly warehouses: Registry;
  private readonly services: Registry;
  private nextFault = 1;

  constructor(
    private readonly model: CityModel,
    /** The time, unix seconds; the tests pass their own clock. */
    private readonly now: () => number = () => Date.now() / 1000,
    /** Faults play out this many times faster (the local stack's --time-scale). */
    private readonly timeScale = 1,
  ) {
    this.loads = new Map(serverLoads(model).map((l) => [l.server, l]));
    for (const s of planAddresses(model).sites) {
      const p = model.network.points.find((x) => x.id === s.point);
      this.pointByAddress.set(s.loopback.replace('/32', ''), {
        id: s.point,
        district: p?.level === 'district' ? p.id : (p?.district ?? null),
      });
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
          totals: () => {
            const requests = Math.floor(perSecond * (this.now() - GROWTH_EPOCH));
            return { requests, errors: Math.floor(requests * errorRatio) };
          },
        };
      }),
    );
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
      busySeconds: () => busySecondsAt(load, this.now()),
    });
    createNodeMemory(registry, {
      totalBytes: load.memoryBytes,
      usedBytes: () => memoryUsedAt(load, this.now()),
    });
    createNodeFilesystem(registry, { sizeBytes: load.diskBytes, freeBytes: () => this.diskFree(name, load) });
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

  private faultOn(kind: FaultKind, target: string): Fault | undefined {
    for (const f of this.faults.values()) if (f.kind === kind && f.target === target) return f;
    return undefined;
  }

  /** The Prometheus text of one server, or null when it is down (or unknown). */
  async scrapeServer(name: string): Promise<string | null> {
    if (this.faultOn('server-down', name)) return null;
    return (await this.serverRegistry(name)?.metrics()) ?? null;
  }

  async scrapeWarehouse(id: string): Promise<string | null> {
    const w = this.model.warehouses.find((x) => x.id === id);
    if (!w) return null;
    const registry = new Registry();
    createWarehouseReplicaUp(registry, {
      warehouse: w.id,
      shards: w.shards,
      replicas: w.replicas,
      isUp: () => true,
    });
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

  /** Starts a fault; throws a one-line error for a kind or target the model does not have. */
  inject(kind: unknown, target: unknown, fillSeconds?: unknown): Fault {
    const problem = faultProblem(this.model, kind, target);
    if (problem) throw new RangeError(problem);
    if (fillSeconds !== undefined && !(typeof fillSeconds === 'number' && fillSeconds > 0))
      throw new RangeError(
        `fillSeconds must be a positive number of seconds; got ${JSON.stringify(fillSeconds)}`,
      );
    const fault: Fault = {
      id: String(this.nextFault++),
      kind: kind as FaultKind,
      target: target as string,
      since: this.now(),
      ...(fillSeconds === undefined ? {} : { fillSeconds: fillSeconds as number }),
    };
    this.faults.set(fault.id, fault);
    return fault;
  }

  clear(id?: string): boolean {
    if (id === undefined) {
      this.faults.clear();
      return true;
    }
    return this.faults.delete(id);
  }

  listFaults(): Fault[] {
    return [...this.faults.values()];
  }

  /** Serves the simulator on 127.0.0.1 only. */
  listen(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: Error) => send(res, 500, `simulator error: ${err.message}\n`));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const text = (body: string | null) =>
      body === null
        ? send(res, 503, 'down\n')
        : send(res, 200, body, 'text/plain; version=0.0.4; charset=utf-8');
    if (req.method === 'GET' && parts[0] === 'servers' && parts[2] === 'metrics' && parts[1]) {
      if (!this.loads.has(parts[1])) return send(res, 404, `no server "${parts[1]}"\n`);
      return text(await this.scrapeServer(parts[1]));
    }
    if (req.method === 'GET' && parts[0] === 'warehouses' && parts[2] === 'metrics' && parts[1])
      return text(await this.scrapeWarehouse(parts[1]));
    if (req.method === 'GET' && url.pathname === '/services/metrics')
      return text(await this.scrapeServices());
    if (req.method === 'GET' && url.pathname === '/probe')
      return text(await this.probe(url.searchParams.get('target') ?? ''));
    if (req.method === 'GET' && url.pathname === '/-/healthy') return send(res, 200, 'ok\n');
    if (parts[0] === 'faults') {
      if (req.method === 'GET') return sendJson(res, 200, this.listFaults());
      if (req.method === 'DELETE')
        return this.clear(parts[1]) ? send(res, 204, '') : send(res, 404, `no fault ${parts[1]}\n`);
      if (req.method === 'POST') {
        let body: { kind?: unknown; target?: unknown; fillSeconds?: unknown };
        try {
          body = JSON.parse(await readBody(req)) as typeof body;
        } catch {
          return send(res, 400, 'expected a JSON body {"kind": …, "target": …}\n');
        }
        try {
          return sendJson(res, 201, this.inject(body.kind, body.target, body.fillSeconds));
        } catch (err) {
          return send(res, 400, `${(err as Error).message}\n`);
        }
      }
    }
    send(res, 404, 'not found\n');
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value)}\n`, 'application/json');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > 65_536) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
