/**
 * The capacity review against a real Prometheus whose history holds what a broken or hostile
 * exporter writes: a pool all NaN, a pool +Inf, one −1e308, a warehouse with a NaN day, an uplink
 * whose slope is almost nothing. None crashes the review; values are dropped and counted; a
 * series that cannot be forecast is said so (exit 1); an answer too large is refused (exit 2).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { capacityHistory } from '../../monitoring/history/capacity-history.ts';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { freePorts, query, untilTrue } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';

const DAY = 86_400;

/** Rewrites the value of every sample of the series whose line starts with `series` (name and labels). */
function rewrite(text: string, series: string, value: (t: number, v: string) => string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith(`${series} `)) return line;
      const [, v, t] = line.split(' ') as [string, string, string];
      return `${series} ${value(Number(t), v)} ${t}`;
    })
    .join('\n');
}

describeWith([LOCAL_STACK], 'the capacity review, on odd data from a real Prometheus', () => {
  const model = loadCity(SMALL_CITY).model as CityModel;
  const dir = tempDir();
  let prometheus = '';
  let child: ChildProcess;
  const end = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3 * 3600;
  beforeAll(async () => {
    let text = capacityHistory(model, { end, days: 40, stepSeconds: 3600 });
    // three days of NaN: at least two whole city days
    const nanDay = end - 10 * DAY;
    text = rewrite(text, 'pool:node_cpu_utilisation:ratio_rate5m{pool="web"}', () => 'NaN');
    text = rewrite(text, 'pool:node_memory_utilisation:ratio{pool="web"}', () => '+Inf');
    text = rewrite(text, 'pool:node_cpu_utilisation:ratio_rate5m{pool="wh-a"}', () => '-1e308');
    text = rewrite(text, 'pool:node_memory_utilisation:ratio{pool="wh-a"}', (t, v) =>
      t >= nanDay && t < nanDay + 3 * DAY ? 'NaN' : v,
    );
    // an uplink that grows by almost nothing: its crossing is past any date
    const uplink = text.split('\n').find((l) => l.startsWith('district:')) as string;
    const uplinkSeries = uplink.slice(0, uplink.lastIndexOf('}') + 1);
    text = rewrite(text, uplinkSeries, (t) => String(1e6 + (t - end) * 1e-12));
    writeFileSync(join(dir, 'history.om'), text);
    const blocks = spawnSync(
      'promtool',
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '--max-block-duration=744h',
        join(dir, 'history.om'),
        join(dir, 'data'),
      ],
      { encoding: 'utf8' },
    );
    expect(blocks.status, blocks.stderr).toBe(0);
    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const [port] = (await freePorts(1)) as [number];
    prometheus = `http://127.0.0.1:${port}`;
    child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=400d',
      ],
      { stdio: 'ignore' },
    );
    await untilTrue(
      'the backfilled history',
      60,
      async () =>
        (await query(prometheus, 'count_over_time(pool:node_cpu_utilisation:ratio_rate5m[1d])')).length > 0,
    );
  }, 120_000);
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  /** The review of the small city's 35 days, its reports written to `out`. */
  const review = (out: string, env: NodeJS.ProcessEnv = {}) =>
    runCli(
      [
        'runbook',
        'capacity-review',
        '--inventory',
        SMALL_CITY,
        '--prometheus',
        prometheus,
        '--days',
        '35',
        '--out',
        out,
      ],
      undefined,
      env,
    );

  it('drops what is not a value, counts it, and says which series cannot be forecast', () => {
    const out = join(tempDir(), 'review');
    const r = review(out);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(readFileSync(join(out, 'capacity-review.json'), 'utf8')) as {
      resources: {
        resource: { kind: string; id: string };
        dropped: number;
        crosses: unknown;
        forecast: { daysToCross: number | null };
      }[];
      unforecastable: {
        resource: { kind: string; id: string };
        days: number;
        dropped: number;
        reason: string;
      }[];
    };
    expect(json.unforecastable.map((u) => [u.resource.kind, u.resource.id, u.days])).toEqual([
      ['pool-cpu', 'web', 0],
      ['pool-memory', 'web', 0],
      ['pool-cpu', 'wh-a', 0],
    ]);
    for (const u of json.unforecastable) {
      expect(u.dropped).toBeGreaterThanOrEqual(28);
      expect(u.reason).toMatch(
        /^only 0 of its \d+ whole days have a usable value \(\d+ NaN, infinite, negative or over 1000× the threshold\); a forecast needs 28$/,
      );
    }
    // the warehouse pool's memory lost its NaN days, and was forecast from the rest
    const memory = json.resources.find((x) => x.resource.kind === 'pool-memory' && x.resource.id === 'wh-a');
    expect(memory?.dropped).toBeGreaterThanOrEqual(2);
    expect(memory?.dropped).toBeLessThanOrEqual(4);
    // the uplink that grows by nothing does not cross within a century, and crashes nothing
    const uplinks = json.resources.filter((x) => x.resource.kind === 'uplink');
    expect(uplinks.some((x) => x.forecast.daysToCross === null && x.crosses === null)).toBe(true);
    expect(r.stdout).toContain('3 resources cannot be forecast from their data.');
    expect(r.stdout).toContain('? web (pool CPU): only 0 of its');
    const md = readFileSync(join(out, 'capacity-review.md'), 'utf8');
    expect(md).toContain('## Cannot be forecast');
    expect(md).toContain(
      `${memory?.dropped} days left out (NaN, infinite, negative or over 1000× the threshold)`,
    );
  });

  it('refuses an answer over its read limit in one line (exit 2)', () => {
    // the limit lowered to 512 bytes (64 MiB by default): the review's answers are larger
    const r = review(join(tempDir(), 'x'), { CITYCLOUD_PROMETHEUS_MAX_ANSWER_BYTES: '512' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+: its answer is (\d+ bytes, )?over the read limit of 512 bytes; narrow the query \(query: .+\)$/,
    );
  });
});
