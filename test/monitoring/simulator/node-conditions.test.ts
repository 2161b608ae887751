/**
 * The simulator's node-condition faults on real scrapes: each changes what its node-mixin alert
 * reads on its server and nothing on another, the counters never go back across a fault's start
 * and end, and a fault's settings are checked.
 */
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { NODE_CONDITION_KINDS } from '../../../monitoring/simulator/faults.ts';
import { FleetSimulator } from '../../../monitoring/simulator/fleet-simulator.ts';
import { BUILTIN_CITY } from '../../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const T0 = Date.UTC(2026, 10, 24, 9) / 1000;
const SERVER = 'dc1-h1-r01-k01-u01';
const OTHER = 'dc1-h1-r01-k01-u02';

/** Every series of a scrape, by its name and labels as written. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n'))
    if (line && !line.startsWith('#')) {
      const at = line.lastIndexOf(' ');
      out.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  return out;
}

const server = model.servers.find((x) => x.name === SERVER) as CityModel['servers'][number];
const cores = model.serverModels.find((m) => m.id === server.model)?.cores as number;
/** Faults judged on rates, checked by the rates they raise below. */
const RATES = ['disk-saturated', 'unit-crashloop', 'nic-errors'] as const;
type Level = Exclude<(typeof NODE_CONDITION_KINDS)[number], (typeof RATES)[number]>;

/** What each other fault must change, read from one scrape 10 minutes after it started. */
const EXPECT: Record<Level, (s: Map<string, number>) => boolean> = {
  'inodes-filling': (s) => (s.get(fsKey('node_filesystem_files_free')) ?? 1) < healthyInodes * 0.95,
  'clock-skew': (s) => (s.get('node_timex_offset_seconds') ?? 0) > 0.05,
  'clock-unsynced': (s) =>
    s.get('node_timex_sync_status') === 0 && (s.get('node_timex_maxerror_seconds') ?? 0) >= 16,
  'raid-degraded': (s) =>
    s.get('node_md_disks{device="md0",state="active"}') === 1 &&
    s.get('node_md_disks{device="md0",state="failed"}') === 1,
  'unit-failed': (s) =>
    s.get('node_systemd_unit_state{name="kubelet.service",state="failed",type="simple"}') === 1,
  'conntrack-full': (s) =>
    (s.get('node_nf_conntrack_entries') ?? 0) / (s.get('node_nf_conntrack_entries_limit') ?? 1) > 0.75,
  'bond-degraded': (s) => s.get('node_bonding_active{master="bond0"}') === 1,
  'fd-exhausted': (s) => (s.get('node_filefd_allocated') ?? 0) / (s.get('node_filefd_maximum') ?? 1) > 0.9,
  'memory-pressure': (s) =>
    1 - (s.get('node_memory_MemAvailable_bytes') ?? 0) / (s.get('node_memory_MemTotal_bytes') ?? 1) > 0.9,
  'cpu-saturated': (s) => (s.get('node_load1') ?? 0) > 2 * cores,
  'textfile-error': (s) => s.get('node_textfile_scrape_error') === 1,
};
const fsKey = (name: string) => `${name}{device="/dev/md0",fstype="ext4",mountpoint="/"}`;
let healthyInodes = 0;

describe('the simulator’s node conditions', () => {
  it('reads healthy on every count node-mixin alerts on', async () => {
    const s = series((await new FleetSimulator(model, () => T0).scrapeServer(SERVER)) as string);
    healthyInodes = s.get(fsKey('node_filesystem_files_free')) as number;
    expect(healthyInodes / (s.get(fsKey('node_filesystem_files')) as number)).toBeGreaterThan(0.6);
    expect(s.get('node_timex_sync_status')).toBe(1);
    expect(Math.abs(s.get('node_timex_offset_seconds') as number)).toBeLessThan(0.05);
    expect(s.get('node_md_disks_required{device="md0"}')).toBe(2);
    expect(s.get('node_md_disks{device="md0",state="active"}')).toBe(2);
    expect(s.get('node_bonding_slaves{master="bond0"}')).toBe(s.get('node_bonding_active{master="bond0"}'));
    expect(s.get('node_textfile_scrape_error')).toBe(0);
    for (const unit of ['kubelet.service', 'containerd.service'])
      expect(s.get(`node_systemd_unit_state{name="${unit}",state="active",type="simple"}`)).toBe(1);
  });

  it('covers every node-condition fault here or by its rate', () => {
    expect([...Object.keys(EXPECT), ...RATES].sort()).toEqual([...NODE_CONDITION_KINDS].sort());
  });

  it.each(Object.keys(EXPECT) as Level[])('%s changes its server’s reading and no other’s', async (kind) => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    const before = series((await sim.scrapeServer(SERVER)) as string);
    const other = series((await sim.scrapeServer(OTHER)) as string);
    sim.inject(kind, SERVER);
    t += 600;
    const after = series((await sim.scrapeServer(SERVER)) as string);
    expect(EXPECT[kind](before), `${kind} already before the fault`).toBe(false);
    expect(EXPECT[kind](after), `${kind} after the fault`).toBe(true);
    // the other server reads as it would without the fault
    const untouched = series((await new FleetSimulator(model, () => t).scrapeServer(OTHER)) as string);
    const otherNow = series((await sim.scrapeServer(OTHER)) as string);
    for (const [k, v] of otherNow)
      if (!/_total|pgmajfault|node_cpu/.test(k)) expect(v, k).toBe(untouched.get(k));
    expect(other.size).toBe(otherNow.size);
  });

  it('raises the rates the rate-based alerts read, and the counters never go back when the fault ends', async () => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    const rate = async (key: string, seconds: number) => {
      const a = series((await sim.scrapeServer(SERVER)) as string).get(key) as number;
      t += seconds;
      const b = series((await sim.scrapeServer(SERVER)) as string).get(key) as number;
      expect(b, key).toBeGreaterThanOrEqual(a);
      return (b - a) / seconds;
    };
    const io = 'node_disk_io_time_weighted_seconds_total{device="sda"}';
    const rx = 'node_network_receive_errs_total{device="bond0"}';
    const rxPackets = 'node_network_receive_packets_total{device="bond0"}';
    const restarts = 'node_systemd_service_restart_total{name="containerd.service"}';
    expect(await rate(io, 60)).toBeLessThan(1);
    expect(await rate(rx, 60)).toBe(0);
    expect(await rate(restarts, 60)).toBe(0);
    const faults = [
      sim.inject('disk-saturated', SERVER),
      sim.inject('nic-errors', SERVER),
      sim.inject('unit-crashloop', SERVER, { unit: 'containerd.service' }),
      sim.inject('memory-pressure', SERVER),
    ];
    expect(await rate(io, 60)).toBeGreaterThan(10);
    const errs = await rate(rx, 60);
    t -= 60;
    expect(errs / (await rate(rxPackets, 60))).toBeGreaterThan(0.01);
    // more than 2 restarts in 5 minutes
    expect((await rate(restarts, 300)) * 300).toBeGreaterThan(2);
    expect(await rate('node_vmstat_pgmajfault', 60)).toBeGreaterThan(500);
    for (const f of faults) sim.clear(f.id);
    expect(await rate(io, 60)).toBeLessThan(1);
    expect(await rate(rx, 60)).toBe(0);
    expect(await rate(restarts, 60)).toBe(0);
  });

  it('keeps two units failed at once, and a saturated server saturated under a pool load and after it', async () => {
    let t = T0;
    const sim = new FleetSimulator(model, () => t);
    sim.inject('unit-failed', SERVER, { unit: 'kubelet.service' });
    sim.inject('unit-failed', SERVER, { unit: 'containerd.service' });
    const s = series((await sim.scrapeServer(SERVER)) as string);
    for (const unit of ['kubelet.service', 'containerd.service'])
      expect(s.get(`node_systemd_unit_state{name="${unit}",state="failed",type="simple"}`), unit).toBe(1);
    // busy CPU seconds a second, over a minute
    const busy = async () => {
      const text = (await sim.scrapeServer(OTHER)) as string;
      const m = series(text);
      return (
        (m.get('node_cpu_seconds_total{cpu="all",mode="user"}') as number) +
        (m.get('node_cpu_seconds_total{cpu="all",mode="system"}') as number)
      );
    };
    const rate = async () => {
      const a = await busy();
      t += 60;
      return ((await busy()) - a) / 60 / otherCores;
    };
    const other = model.servers.find((x) => x.name === OTHER) as CityModel['servers'][number];
    const otherCores = model.serverModels.find((m) => m.id === other.model)?.cores as number;
    const pool = other.pool;
    sim.inject('pool-load', pool, { utilisation: 0.95, servers: [OTHER] });
    expect(await rate()).toBeCloseTo(0.95, 2);
    const saturated = sim.inject('cpu-saturated', OTHER);
    expect(await rate()).toBeCloseTo(1, 2);
    // the pool load still holds when the saturation ends
    sim.clear(saturated.id);
    expect(await rate()).toBeCloseTo(0.95, 2);
  });

  it('refuses a unit it does not simulate, and settings a kind does not take', () => {
    const sim = new FleetSimulator(model);
    expect(() => sim.inject('unit-failed', SERVER, { unit: 'sshd.service; rm -rf /' })).toThrow(
      'unit must be one of kubelet.service, containerd.service; got "sshd.service; rm -rf /"',
    );
    expect(() => sim.inject('clock-skew', SERVER, { unit: 'kubelet.service' })).toThrow(
      'a clock-skew fault takes no settings; got unit',
    );
    expect(() => sim.inject('raid-degraded', 'no-such-server')).toThrow(
      'no server "no-such-server" in the inventory',
    );
  });
});
