/**
 * `citycloud runbook capacity-review` against the real Prometheus of `monitor up`, with 90 days
 * of history backfilled from the load model, checked against the truth the load model knows:
 * forecasts of crossings 30–180 days out land within 7 days of the true date, a flat pool does
 * not cross within the horizon, a pool with a recent step is fitted after the step only.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { loadDateOffset } from '../../monitoring/local/local-stack.ts';
import type { Review } from '../../runbooks/capacity/capacity-review.ts';
import { theilSen } from '../../runbooks/capacity/forecast.ts';
import { poolUtilisation, trueDaysToCross } from '../helpers/capacity-truth.ts';
import { ROOT, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { freePorts, LOAD_DATE, monitorUpArgs } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';

const DAY = 86_400;

/** The built-in city with pools growing at rates that cross 30–180 days out, and one flat. */
function growingCity(): string {
  const dir = tempDir();
  cpSync(join(ROOT, 'inventory'), dir, { recursive: true });
  const file = join(dir, 'datacentre.yaml');
  let text = readFileSync(file, 'utf8');
  const growth = (pool: string, g: number) => {
    const before = text;
    text = text.replace(
      new RegExp(`(- \\{id: ${pool}, [^}\\n]*?)(, growthPercentPerMonth: \\d+)?\\}`),
      `$1, growthPercentPerMonth: ${g}}`,
    );
    if (text === before) throw new Error(`no pool ${pool} in datacentre.yaml`);
  };
  for (const pool of ['email', 'meeting', 'public-portal', 'mgmt']) growth(pool, 6);
  growth('edoc', 5);
  growth('wh-education', 0);
  writeFileSync(file, text);
  return join(dir, 'city.yaml');
}

describeWith([LOCAL_STACK], 'runbook capacity-review on a real Prometheus with 90 days of history', () => {
  const inventory = growingCity();
  const model = loadCity(inventory).model as CityModel;
  const dir = join(tempDir(), 'monitor');
  let prometheus = '';
  /** Real time → the model's (the stack serves the load of LOAD_DATE). */
  let offset = 0;
  let review: Review;
  let code: number;
  const out = tempDir();

  beforeAll(async () => {
    const [p, a, s] = (await freePorts(3)) as [number, number, number];
    prometheus = `http://127.0.0.1:${p}`;
    offset = loadDateOffset(Date.parse(`${LOAD_DATE}T00:00:00Z`) / 1000, Date.now() / 1000);
    const up = runCli(
      monitorUpArgs({
        inventory,
        dir,
        ports: { prometheus: p, alertmanager: a, simulator: s },
        historyDays: 90,
      }),
    );
    if (up.code !== 0) throw new Error(`monitor up failed: ${up.stderr || up.stdout}`);
    const run = reviewCli(['--inventory', inventory, '--prometheus', prometheus, '--out', out, '--json']);
    code = run.code;
    review = JSON.parse(run.stdout) as Review;
  }, 120_000);
  afterAll(() => {
    runCli(['monitor', 'down', '--dir', dir]);
  });

  /** `citycloud runbook capacity-review` with these arguments, from `cwd` (the project by default). */
  const reviewCli = (args: readonly string[], cwd?: string) =>
    runCli(['runbook', 'capacity-review', ...args], cwd);

  /** The true days to cross of a pool resource of the review, from its last whole day. */
  const truth = (r: Review['resources'][number]) =>
    trueDaysToCross(
      poolUtilisation(model, r.resource.id, r.resource.kind === 'pool-cpu' ? 'cpu' : 'memory'),
      r.resource.threshold,
      {
        fromDay: (r.forecast.daily.at(-1)?.day ?? 0) + DAY,
        step: 900,
        offset,
        maxDays: 400,
      },
    );

  it('forecasts every crossing 30–180 days out within 7 days of the true date', () => {
    const pools = review.resources.filter((r) => r.resource.kind.startsWith('pool'));
    const checked = pools.flatMap((r) => {
      const t = truth(r);
      return t !== null && t >= 30 && t <= 180
        ? [{ id: `${r.resource.id} ${r.resource.kind}`, truth: t, forecast: r.forecast.daysToCross }]
        : [];
    });
    expect(checked.length, JSON.stringify(checked)).toBeGreaterThanOrEqual(4);
    for (const c of checked) {
      expect(c.forecast, c.id).not.toBeNull();
      expect(
        Math.abs((c.forecast as number) - c.truth),
        `${c.id}: forecast ${c.forecast}, truth ${c.truth}`,
      ).toBeLessThanOrEqual(7);
    }
  });

  it('exits 1, with the resources that run short first and marked', () => {
    expect(code).toBe(1);
    const short = review.resources.filter((r) => r.runsShort);
    expect(short.length).toBeGreaterThan(0);
    expect(review.resources.slice(0, short.length)).toEqual(short);
    const days = review.resources.map((r) => r.forecast.daysToCross ?? Number.POSITIVE_INFINITY);
    expect(days).toEqual([...days].sort((a, b) => a - b));
  });

  it('writes the Markdown, the page and the JSON, each with every resource', () => {
    const md = readFileSync(join(out, 'capacity-review.md'), 'utf8');
    const html = readFileSync(join(out, 'capacity-review.html'), 'utf8');
    const json = JSON.parse(readFileSync(join(out, 'capacity-review.json'), 'utf8'));
    expect(json.schema).toBe('citycloud-capacity-review/v1');
    // and the proposal beside them, a patch of the inventory
    expect(readFileSync(join(out, 'capacity-review.patch'), 'utf8')).toMatch(/^--- a\//m);
    expect(json.resources).toHaveLength(review.resources.length);
    expect(html.match(/<section class="chart"/g)).toHaveLength(review.resources.length);
    // the resources' table, and the backup targets' after it
    const [resources = '', targets = ''] = md.split('## Backup targets');
    expect(resources.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(review.resources.length);
    expect(targets.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(review.backupTargets.length);
    // the 2024 plan's GPU servers: capacity to come, not forecast — counted from the model here
    const planned = model.servers.filter((s) => s.phase === '2024-plan');
    const of = (key: 'cores' | 'memoryGiB' | 'gpus') =>
      planned.reduce((sum, s) => sum + (model.serverModels.find((m) => m.id === s.model)?.[key] ?? 0), 0);
    expect(json.toCome).toEqual([
      {
        pool: 'iot-ai',
        name: 'IoT, cameras and AI (2024 plan)',
        phase: '2024-plan',
        phaseName: '2024 plan: IoT, cameras and AI for urban monitoring',
        servers: 48,
        cpuCores: of('cores'),
        memoryGiB: of('memoryGiB'),
        gpus: of('gpus'),
      },
    ]);
    expect(review.resources.some((r) => r.resource.id === 'iot-ai')).toBe(false);
    expect(md).toContain('## Capacity to come');
    expect(html).toContain('<ul id="to-come"><li>iot-ai (IoT, cameras and AI (2024 plan)): 48 servers, ');
  });

  it('gives a flat pool no crossing within the horizon', () => {
    for (const kind of ['pool-cpu', 'pool-memory'])
      for (const r of review.resources.filter(
        (x) => x.resource.id === 'wh-education' && x.resource.kind === kind,
      )) {
        expect(r.runsShort).toBe(false);
        expect(truth(r)).toBeNull();
      }
  });

  it('fits a pool with a step after the step, not on it', () => {
    const r = review.resources.find(
      (x) => x.resource.id === 'admin-procedures' && x.resource.kind === 'pool-cpu',
    );
    expect(r?.forecast.method.kind).toBe('theil-sen-after-shift');
    // land-management went live on 2026-11-01 of the model's time
    const onboarded = Date.parse('2026-11-01T00:00:00Z') / 1000 - offset;
    const shiftDay = r?.forecast.method.kind === 'theil-sen-after-shift' ? r.forecast.method.shiftDay : 0;
    expect(Math.abs(shiftDay - onboarded) / DAY).toBeLessThanOrEqual(2);
    // the fitted trend is the pool's own growth after the step, not the step spread over 90 days
    const daily = r?.forecast.daily ?? [];
    const all = theilSen(
      daily.map((d) => d.day / DAY),
      daily.map((d) => d.p95),
    ).slope;
    const util = poolUtilisation(model, 'admin-procedures', 'cpu');
    const after = daily.filter((d) => d.day >= shiftDay);
    // the true daily p95 of the same days (sampled as the history is, every 15 minutes): one
    // instant a day would carry the daily cycle's phase, which moves with the time of the run
    const trueP95 = (day: number) => {
      const values = Array.from({ length: 96 }, (_, i) => util(day + i * 900 + offset)).sort((a, b) => a - b);
      return values[Math.ceil(0.95 * values.length) - 1] as number;
    };
    const trueSlope = theilSen(
      after.map((d) => d.day / DAY),
      after.map((d) => trueP95(d.day)),
    ).slope;
    expect(r?.forecast.slopePerDay).toBeLessThan(all);
    expect(Math.abs((r?.forecast.slopePerDay ?? 0) - trueSlope)).toBeLessThan(0.5 * trueSlope);
  });

  it('proposes what fixes it: a patch git applies, which validates, and against which the same history runs short nowhere', () => {
    const copy = tempDir();
    cpSync(dirname(inventory), copy, { recursive: true });
    const patch = join(tempDir(), 'capacity.patch');
    const review = reviewCli(
      ['--inventory', 'city.yaml', '--prometheus', prometheus, '--out', tempDir(), '--patch', patch],
      copy,
    );
    expect(review.code, review.stdout + review.stderr).toBe(1);
    expect(review.stdout).toMatch(/Proposed:\n {2}pool \S+: add \d+ \w+ servers in \d+ racks/);
    expect(review.stdout).not.toContain('not proposed');
    const text = readFileSync(patch, 'utf8');
    expect(text).toMatch(/^--- a\/datacentre\.yaml\n\+\+\+ b\/datacentre\.yaml\n@@ /m);
    // comments and layout kept: the only lines changed are rack entries (servers added, racks new)
    const changed = text.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed.length).toBeGreaterThan(0);
    for (const line of changed) expect(line).toMatch(/^[-+] +- \{id: k\d\d, servers: \[/);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: copy, encoding: 'utf8' });
    expect(git('apply', '--check', patch).status).toBe(0);
    expect(git('apply', patch).status).toBe(0);
    const validate = runCli(['validate', '--inventory', 'city.yaml'], copy);
    expect(validate.code, validate.stdout).toBe(0);
    const again = reviewCli(
      ['--inventory', 'city.yaml', '--prometheus', prometheus, '--out', tempDir()],
      copy,
    );
    expect(again.stdout).toContain('Nothing is forecast to cross its threshold within 180 days.');
    expect(again.code).toBe(0);
    // --apply writes the same files
    const applied = tempDir();
    cpSync(dirname(inventory), applied, { recursive: true });
    expect(
      reviewCli(
        ['--inventory', 'city.yaml', '--prometheus', prometheus, '--out', tempDir(), '--apply'],
        applied,
      ).code,
    ).toBe(1);
    expect(readFileSync(join(applied, 'datacentre.yaml'), 'utf8')).toBe(
      readFileSync(join(copy, 'datacentre.yaml'), 'utf8'),
    );
  });

  it('writes a patch that applies from anywhere: paths from the top of the inventory’s repository', () => {
    const repo = tempDir();
    spawnSync('git', ['init', '-q', repo]);
    cpSync(dirname(inventory), join(repo, 'city'), { recursive: true });
    const patch = join(tempDir(), 'capacity.patch');
    // run from another folder, naming the inventory by its full path
    const review = reviewCli(
      [
        '--inventory',
        join(repo, 'city', 'city.yaml'),
        '--prometheus',
        prometheus,
        '--out',
        tempDir(),
        '--patch',
        patch,
      ],
      tempDir(),
    );
    expect(review.code, review.stdout + review.stderr).toBe(1);
    expect(readFileSync(patch, 'utf8')).toMatch(/^--- a\/city\/datacentre\.yaml$/m);
    expect(review.stdout).toContain(`git -C ${repo} apply ${patch}`);
    const applied = spawnSync('git', ['-C', repo, 'apply', patch], { encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
    expect(runCli(['validate', '--inventory', join(repo, 'city', 'city.yaml')]).code).toBe(0);
  });

  it('applies nothing when the proposed change does not validate, saying why', () => {
    // a Terraform stack bound the rows hold today (the largest has 256 resources) but not with
    // the servers the proposal adds to h1-r03: --apply must leave every file as it was
    const copy = tempDir();
    cpSync(dirname(inventory), copy, { recursive: true });
    const city = join(copy, 'city.yaml');
    writeFileSync(city, `${readFileSync(city, 'utf8')}stacks: {maxResources: 256}\n`);
    expect(runCli(['validate', '--inventory', 'city.yaml'], copy).code).toBe(0);
    const before = readFileSync(join(copy, 'datacentre.yaml'), 'utf8');
    const r = reviewCli(
      ['--inventory', 'city.yaml', '--prometheus', prometheus, '--out', tempDir(), '--apply'],
      copy,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/datacentre\.yaml:\d+:\d+: error CC023 datacentre\.halls\[h1\]\.rows\[r03\]/);
    expect(r.stderr).toContain('✗ the proposed change does not validate; the inventory was left as it was');
    expect(readFileSync(join(copy, 'datacentre.yaml'), 'utf8')).toBe(before);
  });

  it('says which series is missing, naming the query (exit 2)', () => {
    const r = reviewCli(['--inventory', SMALL_CITY, '--prometheus', prometheus, '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+ has no series for \d+ queries, first pool:node_cpu_utilisation:ratio_rate5m\{pool="web"\}/,
    );
  });

  it('names the Prometheus it cannot reach (exit 2)', async () => {
    const [closed] = (await freePorts(1)) as [number];
    const r = reviewCli(['--prometheus', `http://127.0.0.1:${closed}`, '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `Prometheus at http://127.0.0.1:${closed} is unreachable (ECONNREFUSED) (query: quantile_over_time(0.95, pool:node_cpu_utilisation:ratio_rate5m[1d]))`,
    );
  });
});
