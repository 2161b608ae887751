import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { FAULT_KINDS } from '../../../monitoring/simulator/faults.ts';
import { FleetSimulator, MAX_BODY_BYTES, MAX_FAULTS } from '../../../monitoring/simulator/fleet-simulator.ts';
import { BUILTIN_CITY } from '../../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const JSON_TYPE = { 'content-type': 'application/json' };
const T0 = Date.UTC(2026, 10, 24, 9) / 1000;

/** The value of the series whose line starts with `prefix` in Prometheus text. */
const value = (text: string, prefix: string) => {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no series ${prefix} in:\n${text}`);
  return Number(line.split(' ').at(-1));
};

describe('FleetSimulator', () => {
  it('answers for a server with node_exporter names, the same way every time', async () => {
    const text = await new FleetSimulator(model, () => T0).scrapeServer('dc1-h1-r01-k01-u01');
    expect(text).toContain('# TYPE node_cpu_seconds_total counter');
    expect(text).toContain('# TYPE node_memory_MemAvailable_bytes gauge');
    expect(text).toContain('node_filesystem_avail_bytes{device="/dev/md0",fstype="ext4",mountpoint="/"}');
    expect(await new FleetSimulator(model, () => T0).scrapeServer('dc1-h1-r01-k01-u01')).toBe(text);
  });

  it('counts CPU seconds that only go up, busier by day than by night', async () => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    const busy = async () => {
      const text = (await sim.scrapeServer('dc1-h1-r01-k01-u01')) as string;
      return (
        value(text, 'node_cpu_seconds_total{cpu="all",mode="user"}') +
        value(text, 'node_cpu_seconds_total{cpu="all",mode="system"}')
      );
    };
    const rateOver = async (from: number) => {
      t = from;
      const a = await busy();
      t = from + 600;
      const b = await busy();
      expect(b).toBeGreaterThan(a);
      return (b - a) / 600;
    };
    // 64 cores; the cycle peaks mid-day and dips at night (times are UTC, the city is UTC+7)
    const day = await rateOver(Date.UTC(2026, 10, 24, 6) / 1000);
    const night = await rateOver(Date.UTC(2026, 10, 24, 18) / 1000);
    expect(day).toBeGreaterThan(night);
    expect(day).toBeLessThan(64);
  });

  it('stops answering for a server that is down, and answers again once the fault is cleared', async () => {
    const sim = new FleetSimulator(model, () => T0);
    const fault = sim.inject('server-down', 'dc1-h1-r01-k01-u02');
    expect(await sim.scrapeServer('dc1-h1-r01-k01-u02')).toBeNull();
    expect(await sim.scrapeServer('dc1-h1-r01-k01-u01')).not.toBeNull();
    sim.clear(fault.id);
    expect(await sim.scrapeServer('dc1-h1-r01-k01-u02')).not.toBeNull();
  });

  it('fills a disk within two hours of a disk-filling fault', async () => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    const free = async () =>
      value((await sim.scrapeServer('dc1-h2-r01-k01-u01')) as string, 'node_filesystem_avail_bytes');
    const before = await free();
    sim.inject('disk-filling', 'dc1-h2-r01-k01-u01');
    t = T0 + 3600;
    expect(await free()).toBeCloseTo(before / 2, -3);
    t = T0 + 7200;
    expect(await free()).toBe(0);
  });

  it('holds a pool-load fault’s servers at its utilisation, the counters never going back', async () => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    const loaded = 'dc1-h1-r03-k06-u01';
    const other = 'dc1-h1-r03-k06-u02';
    const cpu = async (server: string) => {
      const text = (await sim.scrapeServer(server)) as string;
      const busy =
        value(text, 'node_cpu_seconds_total{cpu="all",mode="user"}') +
        value(text, 'node_cpu_seconds_total{cpu="all",mode="system"}');
      return { busy, idle: value(text, 'node_cpu_seconds_total{cpu="all",mode="idle"}') };
    };
    const utilisation = async (server: string, from: number, seconds: number) => {
      t = from;
      const a = await cpu(server);
      t = from + seconds;
      const b = await cpu(server);
      expect(b.busy).toBeGreaterThanOrEqual(a.busy);
      expect(b.idle).toBeGreaterThanOrEqual(a.idle);
      return (b.busy - a.busy) / (b.busy - a.busy + (b.idle - a.idle));
    };
    const normal = await utilisation(loaded, T0, 600);
    expect(normal).toBeLessThan(0.6);
    t = T0 + 600;
    const fault = sim.inject('pool-load', 'edoc', { utilisation: 0.9, servers: [loaded] });
    expect(fault).toMatchObject({ kind: 'pool-load', target: 'edoc', utilisation: 0.9, servers: [loaded] });
    expect(await utilisation(loaded, T0 + 600, 600)).toBeCloseTo(0.9, 6);
    // only the servers named
    expect(await utilisation(other, T0 + 600, 600)).toBeLessThan(0.6);
    t = T0 + 1200;
    const before = await cpu(loaded);
    sim.clear(fault.id);
    const after = await cpu(loaded);
    expect(after).toEqual(before);
    expect(await utilisation(loaded, T0 + 1200, 600)).toBeCloseTo(normal, 1);
    // the whole pool by default
    t = T0 + 1800;
    expect(sim.inject('pool-load', 'edoc').servers).toHaveLength(120);
  });

  it('takes one replica of one warehouse shard down with a replica-down fault', async () => {
    const sim = new FleetSimulator(model, () => T0);
    sim.inject('replica-down', 'population', { shard: 3, replica: 2 });
    const text = (await sim.scrapeWarehouse('population')) as string;
    const up = (shard: number, replica: number) =>
      value(
        text,
        `citycloud_warehouse_replica_up{warehouse="population",shard="${shard}",replica="${replica}"}`,
      );
    expect(up(3, 2)).toBe(0);
    expect(up(3, 1)).toBe(1);
    expect(up(2, 2)).toBe(1);
    expect(
      text.split('\n').filter((l) => l.startsWith('citycloud_warehouse_replica_up{') && l.endsWith(' 0')),
    ).toHaveLength(1);
  });

  it('probes connection points by address; a district isolated fails all of its points', async () => {
    const sim = new FleetSimulator(model, () => T0);
    // Phường Tân Định's loopback, and Quận 1's hub
    expect(value(await sim.probe('10.16.0.136'), 'probe_success')).toBe(1);
    sim.inject('district-isolated', 'd760');
    expect(value(await sim.probe('10.16.0.136'), 'probe_success')).toBe(0);
    expect(value(await sim.probe('10.16.0.128'), 'probe_success')).toBe(0);
    expect(value(await sim.probe('10.16.0.8'), 'probe_success')).toBe(1); // core-b
    expect(value(await sim.probe('192.0.2.1'), 'probe_success')).toBe(0); // nothing there
  });

  it('refuses faults the inventory has no target for, saying what is allowed', () => {
    const sim = new FleetSimulator(model);
    expect(() => sim.inject('meteor', 'd760')).toThrow(
      `kind must be one of ${FAULT_KINDS.join(', ')}; got "meteor"`,
    );
    expect(() => sim.inject('pool-load', 'edoc', { utilisation: 1.5 })).toThrow(
      'utilisation must be a share of the CPUs from 0 (excluded) to 1; got 1.5',
    );
    expect(() => sim.inject('pool-load', 'edoc', { servers: ['dc1-h1-r01-k01-u01'] })).toThrow(
      'servers: "dc1-h1-r01-k01-u01" is not a server of pool "edoc"',
    );
    expect(() => sim.inject('pool-load', 'lake')).toThrow('no pool "lake" in the inventory');
    expect(() => sim.inject('replica-down', 'population', { shard: 17, replica: 1 })).toThrow(
      'shard must be a shard of warehouse "population", from 1 to 16; got 17',
    );
    expect(() => sim.inject('replica-down', 'population', { shard: 1, replica: 1, fillSeconds: 3 })).toThrow(
      'a replica-down fault takes shard, replica; got fillSeconds',
    );
    expect(() => sim.inject('server-down', 'dc9-h1-r01-k01-u01')).toThrow(
      'no server "dc9-h1-r01-k01-u01" in the inventory',
    );
    expect(() => sim.inject('district-isolated', 'w26734')).toThrow('no district "w26734" in the inventory');
  });

  it('serves 740 services’ request counters by outcome', async () => {
    const text = await new FleetSimulator(model, () => T0).scrapeServices();
    const lines = text.split('\n').filter((l) => l.startsWith('citycloud_service_requests_total{'));
    expect(lines).toHaveLength(740 * 2);
    expect(text).toContain(
      'citycloud_service_requests_total{service="khai-sinh",agency="stp",tier="1",outcome="error"}',
    );
  });
});

describe('the simulator over HTTP', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = await new FleetSimulator(model).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('serves a server, takes a fault, and answers 503 for it', async () => {
    const ok = await fetch(`${base}/servers/dc1-h1-r01-k01-u03/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const created = await fetch(`${base}/faults`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ kind: 'server-down', target: 'dc1-h1-r01-k01-u03' }),
    });
    expect(created.status).toBe(201);
    const fault = (await created.json()) as { id: string };
    expect((await fetch(`${base}/servers/dc1-h1-r01-k01-u03/metrics`)).status).toBe(503);
    expect((await fetch(`${base}/faults/${fault.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/servers/dc1-h1-r01-k01-u03/metrics`)).status).toBe(200);
  });

  it('answers 400 with the reason for a bad fault, and 404 for an unknown server', async () => {
    const bad = await fetch(`${base}/faults`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: '{"kind":"server-down","target":"nope"}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('no server "nope" in the inventory\n');
    expect(
      (await fetch(`${base}/faults`, { method: 'POST', headers: JSON_TYPE, body: 'not json' })).status,
    ).toBe(400);
    expect((await fetch(`${base}/servers/nope/metrics`)).status).toBe(404);
  });
});

describe('disk-filling faults', () => {
  it('fill within the fault’s own fillSeconds, or two hours divided by the time scale', async () => {
    let t = T0;
    const fast = new FleetSimulator(model, () => t, 60);
    const free = async (sim: FleetSimulator) =>
      value((await sim.scrapeServer('dc1-h2-r01-k01-u01')) as string, 'node_filesystem_avail_bytes');
    fast.inject('disk-filling', 'dc1-h2-r01-k01-u01');
    t = T0 + 120;
    expect(await free(fast)).toBe(0);
    t = T0;
    const own = new FleetSimulator(model, () => t);
    own.inject('disk-filling', 'dc1-h2-r01-k01-u01', { fillSeconds: 10 });
    t = T0 + 10;
    expect(await free(own)).toBe(0);
    expect(() => own.inject('disk-filling', 'dc1-h2-r01-k01-u01', { fillSeconds: -5 })).toThrow(
      'fillSeconds must be a positive number of seconds; got -5',
    );
  });
});

/** One request with exactly these headers (fetch would set Host and forbid changing it). */
function rawRequest(
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method,
        path: opts.path,
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    // the server may answer and close before the whole body is sent
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('the simulator refuses what a web page or a careless client could send', () => {
  let server: Server;
  let port = 0;
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = new FleetSimulator(model);
    server = await sim.listen(0);
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  const fault = JSON.stringify({ kind: 'server-down', target: 'dc1-h1-r01-k01-u05' });

  it('answers 413 to a body over 64 KB, without reading the rest, and stays up', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    const r = await rawRequest(port, { method: 'POST', path: '/faults', headers: JSON_TYPE, body: big });
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/request body over 65536 bytes/);
    // a body sent in pieces with no length given is cut off the same way
    const chunked = await rawRequest(port, {
      method: 'POST',
      path: '/faults',
      headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(3 * MAX_BODY_BYTES, 0x20),
    });
    expect(chunked.status).toBe(413);
    expect((await rawRequest(port, { method: 'GET', path: '/-/healthy' })).status).toBe(200);
  });

  it.each([
    [
      'a text/plain body (what a form on another site can send)',
      { 'content-type': 'text/plain' },
      415,
      /expected Content-Type: application\/json/,
    ],
    [
      'a foreign Origin',
      { ...JSON_TYPE, origin: 'http://evil.example' },
      403,
      /Origin "http:\/\/evil\.example" refused/,
    ],
    [
      'a foreign Host (DNS rebinding)',
      { ...JSON_TYPE, host: 'evil.example:80' },
      403,
      /Host "evil\.example:80" refused/,
    ],
  ])('refuses a fault with %s, and changes nothing', async (_, headers, status, message) => {
    const r = await rawRequest(port, { method: 'POST', path: '/faults', headers, body: fault });
    expect(r.status).toBe(status);
    expect(r.text).toMatch(message);
    expect(sim.listFaults()).toEqual([]);
  });

  it('refuses to clear faults for a foreign Origin', async () => {
    const kept = sim.inject('server-down', 'dc1-h1-r01-k01-u06');
    const r = await rawRequest(port, {
      method: 'DELETE',
      path: '/faults',
      headers: { origin: 'http://evil.example' },
    });
    expect(r.status).toBe(403);
    expect(sim.listFaults()).toEqual([kept]);
    sim.clear();
  });

  it('accepts its own origin', async () => {
    const r = await rawRequest(port, {
      method: 'POST',
      path: '/faults',
      headers: { ...JSON_TYPE, origin: `http://localhost:${port}`, host: `localhost:${port}` },
      body: fault,
    });
    expect(r.status).toBe(201);
    sim.clear();
  });

  it.each([
    ['null', 'null'],
    ['a list', '[1, 2]'],
    ['a number', '42'],
  ])('answers 400 to %s as a fault', async (_, body) => {
    const r = await rawRequest(port, { method: 'POST', path: '/faults', headers: JSON_TYPE, body });
    expect(r.status).toBe(400);
    expect(r.text).toBe('expected a JSON object {"kind": …, "target": …}\n');
  });

  it('answers 400 to a malformed URI', async () => {
    const r = await rawRequest(port, { method: 'GET', path: '/servers/%E0%A4%A/metrics' });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^malformed URL/);
  });

  it(`keeps at most ${MAX_FAULTS.toLocaleString('en-US')} faults`, async () => {
    const server = model.servers[0]?.name as string;
    for (let i = 0; i < MAX_FAULTS; i++) sim.inject('server-down', server);
    const r = await rawRequest(port, { method: 'POST', path: '/faults', headers: JSON_TYPE, body: fault });
    expect(r.status).toBe(409);
    expect(sim.listFaults()).toHaveLength(MAX_FAULTS);
    sim.clear();
  });
});
