/**
 * Row monitor-up:3-shards: `citycloud monitor up --shards 3` on the built-in city (Debian's
 * Prometheus, real processes), timed from the command's start until every target is up on the
 * shards and the global has recorded every pool from their partials; against one Prometheus with
 * the same targets, timed until its targets are up and every pool recorded. Each side once,
 * without history, at time scale 30 (1-second scrapes), then stopped.
 */
import { type CityModel, loadCity, serversInService } from '../../model/index.ts';
import { localTargetCount } from '../../monitoring/local/local-config.ts';
import { BUILTIN_INVENTORY } from '../cli/defaults.ts';
import type { BenchRow } from './harness.ts';
import { freePort, withLocalStack } from './local-stack.ts';

/** An instant query's one value (0 when there is none or no answer). */
export async function scalar(url: string, query: string): Promise<number> {
  try {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
    return Number(body.data?.result?.[0]?.value[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Seconds from `monitor up` to every target up and every pool recorded, on `shards` shards. */
async function timeToUp(model: CityModel, shards: number): Promise<number> {
  const shardPorts: number[] = [];
  for (let i = 0; i < shards; i++) shardPorts.push(await freePort());
  const inService = serversInService(model);
  const targets = localTargetCount(model);
  const pools = new Set(inService.map((s) => s.pool)).size;
  const args = [
    '--history-days',
    '0',
    '--time-scale',
    '30',
    '--shards',
    String(shards),
    ...(shards > 1 ? ['--shard-ports', shardPorts.join(',')] : []),
  ];
  return withLocalStack(args, async (ports, start) => {
    const prometheus = `http://127.0.0.1:${ports.prometheus}`;
    const scrapers = shards > 1 ? shardPorts.map((p) => `http://127.0.0.1:${p}`) : [prometheus];
    const started = performance.now();
    start();
    const until = Date.now() + 300_000;
    for (;;) {
      const up = (await Promise.all(scrapers.map((u) => scalar(u, 'count(up == 1)')))).reduce(
        (a, b) => a + b,
        0,
      );
      const recorded = await scalar(prometheus, 'count(pool:node_cpu_utilisation:ratio_rate5m)');
      if (up >= targets && recorded >= pools) break;
      if (Date.now() > until) throw new Error(`monitor up (${shards} shards): not all targets up in 300 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return (performance.now() - started) / 1000;
  });
}

export async function monitorUpRow(_workDir: string): Promise<BenchRow> {
  const model = loadCity(BUILTIN_INVENTORY).model as CityModel;
  const sharded = await timeToUp(model, 3);
  const single = await timeToUp(model, 1);
  return {
    name: 'monitor-up:3-shards',
    unit: 's',
    value: sharded,
    peer: 'one Prometheus, same targets',
    peerValue: single,
    ratio: sharded / single,
    note: `${serversInService(model).length} servers in service and ${model.network.points.length} points, 1 s scrapes`,
  };
}
