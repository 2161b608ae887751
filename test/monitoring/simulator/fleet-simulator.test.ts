import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { FleetSimulator } from '../../../monitoring/simulator/fleet-simulator.ts';
import { BUILTIN_CITY } from '../../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
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
      'kind must be one of server-down, disk-filling, link-down, district-isolated; got "meteor"',
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
      body: '{"kind":"server-down","target":"nope"}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('no server "nope" in the inventory\n');
    expect((await fetch(`${base}/faults`, { method: 'POST', body: 'not json' })).status).toBe(400);
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
    own.inject('disk-filling', 'dc1-h2-r01-k01-u01', 10);
    t = T0 + 10;
    expect(await free(own)).toBe(0);
    expect(() => own.inject('disk-filling', 'dc1-h2-r01-k01-u01', -5)).toThrow(
      'fillSeconds must be a positive number of seconds; got -5',
    );
  });
});
