/**
 * Measures one side of a monitoring bench row in this process:
 *   scrape-ours — every target of the fleet simulator scraped once (servers, warehouses, services);
 *   scrape-peer — one plain prom-client registry holding the same series, rendered once;
 *   rules-ours  — the rule sets generated from the model and written as rules and promtool tests;
 *   rules-peer  — the same rule objects, already made, only written as YAML;
 *   rules-sharded — the rules split for 4 shards and a global, written as both rules files and
 *                 their promtool tests (its peer is rules-ours: the unsharded rules);
 *   promtool-ours — `promtool test rules` of every alert's generated test, a test file per rule
 *                 group loading that group's rules (and the groups it reads), in one run;
 *   promtool-peer — the same tests in one file against every rule in one file, in one run.
 * Prints {medianMs, peakRssMB, bytes} as JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { parse, stringify } from 'yaml';
import { type CityModel, loadCity } from '../../model/index.ts';
import { ruleTestsFiles, ruleTestsYaml } from '../../monitoring/rule-tests.ts';
import { cityRuleSets } from '../../monitoring/rules/all-rules.ts';
import { cityShardedRuleSets } from '../../monitoring/rules/shard-split.ts';
import { rulesFiles, rulesYaml } from '../../monitoring/rules-file.ts';
import { FleetSimulator } from '../../monitoring/simulator/fleet-simulator.ts';
import { measure, measureAsync } from './harness.ts';

const [mode, inventory, warmups, runs] = process.argv.slice(2) as [string, string, string, string];
const model = loadCity(inventory).model as CityModel;
let bytes = 0;

async function scrapeAll(sim: FleetSimulator): Promise<number> {
  let total = 0;
  for (const s of model.servers) total += ((await sim.scrapeServer(s.name)) ?? '').length;
  for (const w of model.warehouses) total += ((await sim.scrapeWarehouse(w.id)) ?? '').length;
  return total + (await sim.scrapeServices()).length;
}

function peerRegistry(): Registry {
  const r = new Registry();
  const cpu = new Counter({
    name: 'node_cpu_seconds_total',
    help: 'h',
    labelNames: ['instance', 'cpu', 'mode'],
    registers: [r],
  });
  const gauges = ['node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes'].map(
    (name) => new Gauge({ name, help: 'h', labelNames: ['instance'], registers: [r] }),
  );
  const fs = ['node_filesystem_size_bytes', 'node_filesystem_avail_bytes', 'node_filesystem_readonly'].map(
    (name) =>
      new Gauge({
        name,
        help: 'h',
        labelNames: ['instance', 'device', 'fstype', 'mountpoint'],
        registers: [r],
      }),
  );
  for (const s of model.servers) {
    for (const m of ['user', 'system', 'idle']) cpu.inc({ instance: s.name, cpu: 'all', mode: m }, 1e6);
    for (const g of gauges) g.set({ instance: s.name }, 1e9);
    for (const g of fs) g.set({ instance: s.name, device: '/dev/md0', fstype: 'ext4', mountpoint: '/' }, 1e9);
  }
  const up = new Gauge({
    name: 'citycloud_warehouse_replica_up',
    help: 'h',
    labelNames: ['warehouse', 'shard', 'replica'],
    registers: [r],
  });
  for (const w of model.warehouses)
    for (let s = 1; s <= w.shards; s++)
      for (let k = 1; k <= w.replicas; k++)
        up.set({ warehouse: w.id, shard: String(s), replica: String(k) }, 1);
  const req = new Counter({
    name: 'citycloud_service_requests_total',
    help: 'h',
    labelNames: ['service', 'agency', 'tier', 'outcome'],
    registers: [r],
  });
  for (const s of model.publicServices)
    for (const outcome of ['success', 'error'])
      req.inc({ service: s.id, agency: s.agency, tier: String(s.tier), outcome }, 1000);
  return r;
}

/** Runs promtool test rules on the files in `dir` in one run; throws when one fails (a bench of a red test is no figure). */
function promtoolTest(dir: string, files: readonly string[]): void {
  const r = spawnSync('promtool', ['test', 'rules', ...files], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`promtool test rules failed: ${(r.stdout + r.stderr).slice(-400)}`);
}

/**
 * The rules and their tests written to a temporary folder: a file and a test file per group, as
 * the monitoring view writes them, or every rule in one file and every test in another.
 */
function writtenTests(perGroup: boolean): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-bench-promtool-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const sets = cityRuleSets(model);
  const written = perGroup
    ? [...rulesFiles(sets), ...ruleTestsFiles(sets)]
    : [
        ['rules.yml', rulesYaml(sets)],
        ['tests/all.test.yml', ruleTestsYaml(sets, ['../rules.yml'])],
      ];
  for (const [path, content] of written) {
    mkdirSync(dirname(join(dir, path as string)), { recursive: true });
    writeFileSync(join(dir, path as string), content as string);
  }
  const files = written.map(([path]) => path as string).filter((path) => path.startsWith('tests/'));
  // the tests counted, for the row's note
  bytes = files.reduce(
    (n, file) => n + (parse(readFileSync(join(dir, file), 'utf8')) as { tests: unknown[] }).tests.length,
    0,
  );
  return { dir, files };
}

let result: { medianMs: number; peakRssMB: number };
if (mode === 'promtool-ours' || mode === 'promtool-peer') {
  const { dir, files } = writtenTests(mode === 'promtool-ours');
  result = measure(() => promtoolTest(dir, files), Number(warmups), Number(runs));
} else if (mode === 'scrape-ours') {
  const sim = new FleetSimulator(model);
  result = await measureAsync(
    async () => {
      bytes = await scrapeAll(sim);
    },
    Number(warmups),
    Number(runs),
  );
} else if (mode === 'scrape-peer') {
  const registry = peerRegistry();
  result = await measureAsync(
    async () => {
      bytes = (await registry.metrics()).length;
    },
    Number(warmups),
    Number(runs),
  );
} else if (mode === 'rules-ours') {
  result = measure(
    () => {
      const sets = cityRuleSets({ ...model });
      bytes = [...rulesFiles(sets), ...ruleTestsFiles(sets)].reduce((n, [, yaml]) => n + yaml.length, 0);
    },
    Number(warmups),
    Number(runs),
  );
} else if (mode === 'rules-sharded') {
  result = measure(
    () => {
      const split = cityShardedRuleSets({ ...model, monitoring: { ...model.monitoring, shards: 4 } });
      bytes =
        rulesYaml(split.shard).length +
        rulesYaml(split.global).length +
        ruleTestsYaml([...split.shard, ...split.global], ['shard.yml', 'global.yml']).length;
    },
    Number(warmups),
    Number(runs),
  );
} else {
  const sets = cityRuleSets(model);
  result = measure(
    () => {
      bytes = stringify({
        groups: sets.map((s) => ({ name: s.name, rules: [...s.recording, ...s.alerts.map((a) => a.rule)] })),
      }).length;
    },
    Number(warmups),
    Number(runs),
  );
}
console.log(JSON.stringify({ ...result, bytes }));
