/**
 * The generated rules on a real node_exporter (Debian's prometheus-node-exporter on 127.0.0.1),
 * scraped by a real Prometheus as one server of a warehouse pool: the pool and warehouse records
 * come out as shares from 0 to 1, every rule evaluates without an error, and the disk alerts'
 * selector picks out of a second exporter's filesystems exactly the disk-backed ones of the mount
 * table the test gives it (every kind of filesystem, memory-backed ones included).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type CityModel, loadCity } from '../../model/index.ts';
import { cityRuleSets } from '../../monitoring/rules/all-rules.ts';
import { FS } from '../../monitoring/rules/node-health-rules.ts';
import { rulesYaml } from '../../monitoring/rules-file.ts';
import { BUILTIN_CITY, tempDir } from '../helpers/city.ts';
import { freePorts, query, untilTrue } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK, NODE_EXPORTER_TOOL } from '../helpers/needs.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const model = loadCity(BUILTIN_CITY).model as CityModel;
const server = model.servers.find((s) => s.pool === 'wh-population') as CityModel['servers'][number];

interface RuleHealth {
  name: string;
  health: string;
  lastError?: string;
  lastEvaluation: string;
}

/** The fixture's mount table: every kind of filesystem, each on a folder of its own. */
const MOUNTS = [
  { device: '/dev/fixture-a', fstype: 'ext4', disk: true },
  { device: '/dev/fixture-b', fstype: 'xfs', disk: true },
  { device: 'tmpfs', fstype: 'tmpfs', disk: false },
  { device: 'ramfs', fstype: 'ramfs', disk: false },
  { device: 'overlay', fstype: 'overlay', disk: false },
  { device: '/dev/loop0', fstype: 'squashfs', disk: false },
] as const;
const FIXTURE = 'fixture-mounts';

describeWith([LOCAL_STACK, NODE_EXPORTER_TOOL], 'the rules on a real node_exporter', () => {
  const dir = tempDir();
  const children: ChildProcess[] = [];
  let prometheus = '';
  const mountpoint = (i: number) => join(dir, 'mounts', String(i));

  beforeAll(async () => {
    const [exporterPort, prometheusPort, fixturePort] = (await freePorts(3)) as [number, number, number];
    // node_exporter reads the mount table from its procfs (1/mounts) and statfs()s each mount point
    mkdirSync(join(dir, 'procfs', '1'), { recursive: true });
    for (const i of MOUNTS.keys()) mkdirSync(mountpoint(i), { recursive: true });
    writeFileSync(
      join(dir, 'procfs', '1', 'mounts'),
      MOUNTS.map((m, i) => `${m.device} ${mountpoint(i)} ${m.fstype} rw 0 0\n`).join(''),
    );
    prometheus = `http://127.0.0.1:${prometheusPort}`;
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'rules/citycloud.rules.yml'), rulesYaml(cityRuleSets(model)));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: ['rules/citycloud.rules.yml'],
        scrape_configs: [
          {
            job_name: 'node',
            static_configs: [
              {
                targets: [`127.0.0.1:${exporterPort}`],
                labels: {
                  instance: server.name,
                  pool: server.pool,
                  rack: server.rack,
                  criticality: 'critical',
                },
              },
              { targets: [`127.0.0.1:${fixturePort}`], labels: { instance: FIXTURE } },
            ],
          },
        ],
      }),
    );
    const start = (command: string, args: string[]) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      children.push(child);
    };
    start(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${exporterPort}`]);
    // the filesystem collector alone, on the fixture's mount table, leaving out no kind of filesystem
    start(NODE_EXPORTER, [
      `--web.listen-address=127.0.0.1:${fixturePort}`,
      `--path.procfs=${join(dir, 'procfs')}`,
      '--collector.disable-defaults',
      '--collector.filesystem',
      '--collector.filesystem.fs-types-exclude=^$',
    ]);
    start('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    await untilTrue('the pool records from the real exporter', 60, async () => {
      const cpu = await query(prometheus, 'pool:node_cpu_utilisation:ratio_rate5m');
      const wh = await query(prometheus, 'warehouse:node_cpu_utilisation:ratio_rate5m');
      const mounts = await query(prometheus, `node_filesystem_avail_bytes{instance="${FIXTURE}"}`);
      return cpu.length === 1 && wh.length === 1 && mounts.length === MOUNTS.length;
    });
  }, 90_000);
  afterAll(() => {
    for (const c of children) c.kill('SIGTERM');
  });

  it('gives the pool’s and its warehouse’s records shares from 0 to 1', async () => {
    for (const record of [
      'pool:node_cpu_utilisation:ratio_rate5m',
      'pool:node_memory_utilisation:ratio',
      'warehouse:node_cpu_utilisation:ratio_rate5m',
      'warehouse:node_memory_utilisation:ratio',
    ]) {
      const [sample] = await query(prometheus, record);
      expect(sample, record).toBeDefined();
      const value = Number(sample?.value[1]);
      expect(value, record).toBeGreaterThanOrEqual(0);
      expect(value, record).toBeLessThanOrEqual(1);
    }
    const [pool] = await query(prometheus, 'pool:node_cpu_utilisation:ratio_rate5m');
    expect(pool?.metric).toEqual({
      __name__: 'pool:node_cpu_utilisation:ratio_rate5m',
      pool: 'wh-population',
    });
  });

  it('evaluates every rule without an error', async () => {
    let rules: RuleHealth[] = [];
    await untilTrue('every rule evaluated', 30, async () => {
      const body = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
        data: { groups: { rules: RuleHealth[] }[] };
      };
      rules = body.data.groups.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((r) => !r.lastEvaluation.startsWith('0001'));
    });
    const unhealthy = rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`);
    expect(unhealthy).toEqual([]);
  });

  it('runs the disk alerts’ selector on every kind of filesystem, keeping exactly the disk-backed ones', async () => {
    const mountpoints = async (selector: string) =>
      (await query(prometheus, `node_filesystem_avail_bytes{${selector}}`))
        .map((s) => s.metric.mountpoint)
        .sort();
    // what the mount table says, not what the selector says
    const every = MOUNTS.map((_, i) => mountpoint(i)).sort();
    const disks = MOUNTS.flatMap((m, i) => (m.disk ? [mountpoint(i)] : [])).sort();
    expect(await mountpoints(`instance="${FIXTURE}"`)).toEqual(every);
    expect(await mountpoints(`${FS},instance="${FIXTURE}"`)).toEqual(disks);
  });
});
