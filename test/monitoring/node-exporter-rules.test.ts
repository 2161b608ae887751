/**
 * The generated rules on a real node_exporter (Debian's prometheus-node-exporter on 127.0.0.1),
 * scraped by a real Prometheus as one server of a warehouse pool: the pool and warehouse records
 * come out as shares from 0 to 1, every rule evaluates without an error, and the disk alert's
 * expression runs on the real filesystem series.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type CityModel, loadCity } from '../../model/index.ts';
import { cityRuleSets } from '../../monitoring/rules/all-rules.ts';
import { FS } from '../../monitoring/rules/server-rules.ts';
import { RULES_FILE, rulesYaml } from '../../monitoring/rules-file.ts';
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

describeWith([LOCAL_STACK, NODE_EXPORTER_TOOL], 'the rules on a real node_exporter', () => {
  const dir = tempDir();
  const children: ChildProcess[] = [];
  let prometheus = '';

  beforeAll(async () => {
    const [exporterPort, prometheusPort] = (await freePorts(2)) as [number, number];
    prometheus = `http://127.0.0.1:${prometheusPort}`;
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, RULES_FILE), rulesYaml(cityRuleSets(model)));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [RULES_FILE],
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
    start('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    await untilTrue('the pool records from the real exporter', 60, async () => {
      const cpu = await query(prometheus, 'pool:node_cpu_utilisation:ratio_rate5m');
      const wh = await query(prometheus, 'warehouse:node_cpu_utilisation:ratio_rate5m');
      return cpu.length === 1 && wh.length === 1;
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

  it('runs the disk alert’s selector on the real filesystems, leaving out the memory-backed ones', async () => {
    const watched = await query(prometheus, `node_filesystem_avail_bytes{${FS}}`);
    const all = await query(prometheus, 'node_filesystem_avail_bytes{job="node"}');
    expect(watched.length).toBeGreaterThan(0);
    expect(watched.every((s) => !/^(tmpfs|ramfs|overlay|squashfs)$/.test(s.metric.fstype ?? ''))).toBe(true);
    // this machine has tmpfs mounts (/dev/shm at least), which the alert must not watch
    if (all.some((s) => s.metric.fstype === 'tmpfs')) expect(watched.length).toBeLessThan(all.length);
  });
});
