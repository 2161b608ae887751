/**
 * The upgrade as two operators run it on the real local stack, one of them careless: two
 * checkouts share the fleet's lock, no credential is written down, a server found at the target
 * is never taken out of service, and a reading older than a server's return is waited for.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { PlainReporter } from '../../runbooks/engine/progress.ts';
import { SimExecutor } from '../../runbooks/executors/sim-executor.ts';
import { evaluateGates } from '../../runbooks/upgrade/upgrade-gates.ts';
import { planUpgrade, type UpgradeWave } from '../../runbooks/upgrade/upgrade-plan.ts';
import { startUpgrade } from '../../runbooks/upgrade/upgrade-run.ts';
import { SMALL_CITY, tempDir } from '../helpers/city.ts';
import { fleetRecord, type LocalFleet, query, spawnCli, startFleet } from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';
import { executeArgs, UPGRADE_TIME_SCALE } from '../helpers/upgrade-crash.ts';

const PASSWORD = 'Tr0ub4dor&3-citycloud';

/** Every file under a folder, with its text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

describeWith([LOCAL_STACK], 'the upgrade runbook, trusted by two operators', () => {
  let fleet: LocalFleet;
  let proxy: Server;
  let guarded = '';
  const model = loadCity(SMALL_CITY).model as CityModel;
  beforeAll(async () => {
    fleet = await startFleet(SMALL_CITY, UPGRADE_TIME_SCALE);
    // the fleet's Prometheus behind basic auth, as a city's would be
    proxy = createServer((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const answer = await fetch(`${fleet.prometheus}${req.url}`, {
          method: req.method ?? 'GET',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
          ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        });
        res.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/json',
        });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    guarded = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    proxy?.close();
    fleet?.down();
  });

  it('keeps one lock for two checkouts, and writes no credential anywhere', async () => {
    const state = tempDir();
    const env = { XDG_STATE_HOME: state };
    const auth = join(tempDir(), 'prometheus.netrc');
    writeFileSync(auth, `machine 127.0.0.1 login ops password ${PASSWORD}\n`, { mode: 0o600 });
    const common = [
      '--inventory',
      SMALL_CITY,
      '--prometheus',
      guarded,
      '--prometheus-auth-file',
      auth,
      '--simulator',
      fleet.simulator,
      '--gate-settle',
      '30',
      '--gate-timeout',
      '120',
    ];
    // two operators, each in a checkout of their own, neither naming a runs folder
    const first = spawnCli([...executeArgs('2027.04'), '--operator', 'minh', ...common], env, tempDir());
    const line = await first.line(/run upgrade-\d{8}-\d{6}-[0-9a-f]{4}:/);
    const run = (line.match(/upgrade-\d{8}-\d{6}-[0-9a-f]{4}/) as RegExpMatchArray)[0];
    // what ps shows of the running command: its credentials came from the file
    const cmdline = readFileSync(`/proc/${first.child.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('--prometheus-auth-file');
    expect(cmdline).not.toContain(PASSWORD);
    // (a child of its own: the Prometheus proxy answers from this process's event loop)
    const other = spawnCli([...executeArgs('2027.04'), '--operator', 'minh', ...common], env, tempDir());
    const second = { code: (await other.exited).code, output: other.output() };
    expect(second.code, second.output).toBe(1);
    // the lock is the same for both: the second is refused, naming the first and how to see it
    expect(second.output.trim().split('\n').at(-1)).toMatch(
      new RegExp(
        `^another runbook holds the fleet's lock: run ${run} by minh@${hostname()} \\(pid ${first.child.pid}, since \\S+, last heartbeat \\S+\\); wait for it to finish, or see it with: citycloud runbook status ${run} --inventory ${SMALL_CITY}$`,
      ),
    );
    const end = await first.exited;
    expect(end.code, first.output().slice(-2000)).toBe(0);
    // the first line says what the local store protects
    expect(first.output()).toContain(
      `local run store ${join(state, 'citycloud', 'runs', '99')}: it keeps one run at a time of ${model.city.name} for this account on this machine only; operators on other machines or accounts share the PostgreSQL store (--state pg)`,
    );
    // no file the run wrote, and nothing it printed, holds the password
    const written = filesUnder(state);
    expect(written.map((f) => f.file)).toContain(
      join(state, 'citycloud', 'runs', '99', run, 'journal.jsonl'),
    );
    for (const f of written) expect(f.text.includes(PASSWORD), f.file).toBe(false);
    expect(first.output()).not.toContain(PASSWORD);
    expect(second.output).not.toContain(PASSWORD);
    // the journal names the Prometheus without credentials
    const started = JSON.parse(
      readFileSync(join(state, 'citycloud', 'runs', '99', run, 'journal.jsonl'), 'utf8').split(
        '\n',
      )[0] as string,
    );
    expect(started.options.prometheus).toBe(guarded);
  }, 300_000);

  it('leaves a server planned with its version unknown alone when it already runs the target', async () => {
    const target = '2027.05';
    const names = model.servers.map((s) => s.name).sort();
    const already = names[0] as string;
    // upgraded by hand before the run: its version unknown to the plan, the rest known and older
    for (const [step, body] of [
      ['cordon', {}],
      ['upgrade', { version: target }],
      ['reboot', {}],
    ] as const)
      await fetch(`${fleet.simulator}/fleet/servers/${already}/${step}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (;;) {
      const s = (await (await fetch(`${fleet.simulator}/fleet/servers/${already}`)).json()) as {
        up: boolean;
      };
      if (s.up) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const back = await fetch(`${fleet.simulator}/fleet/servers/${already}/uncordon`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(back.status).toBe(200);
    const versions = new Map(names.filter((n) => n !== already).map((n) => [n, target]));
    const plan = planUpgrade(model, { versions }, target);
    expect(plan.versionUnknown).toEqual([already]);
    const cordonsBefore = (await fleetRecord(fleet.simulator)).cordons[already] ?? 0;
    const runs = tempDir();
    let shown = '';
    const outcome = await startUpgrade(
      {
        model,
        store: new FileRunStore(runs),
        executor: new SimExecutor(fleet.simulator),
        reporter: new PlainReporter((t) => {
          shown += t;
        }),
        actor: { user: 'minh', host: hostname(), pid: process.pid },
        settings: {
          prometheus: fleet.prometheus,
          maxFailures: 0,
          gateSettleSeconds: 30,
          gateTimeoutSeconds: 120,
          rebootTimeoutSeconds: 120,
          outsideWindow: 'exit',
          concurrency: 4,
        },
      },
      { plan, approvedBy: 'lan', options: {} },
    );
    expect(outcome.status, shown.slice(-2000)).toBe('succeeded');
    expect((await fleetRecord(fleet.simulator)).cordons[already] ?? 0).toBe(cordonsBefore);
    const journal = readFileSync(join(runs, outcome.run, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; target?: string; reason?: string });
    expect(journal.filter((r) => r.target === already).map((r) => [r.kind, r.reason])).toEqual([
      ['target-skipped', `it runs ${target} already (found before its first step)`],
    ]);
  }, 300_000);

  it('waits for a reading taken after the servers came back, and fails only on one taken after', async () => {
    const plan = planUpgrade(model, { versions: new Map() }, '2099.01');
    const first = plan.waves[0]?.servers[0] as UpgradeWave['servers'][number];
    // Prometheus has read the server, at another version
    expect(
      await query(fleet.prometheus, `citycloud_node_version{instance="${first.server}"} == 1`),
    ).toHaveLength(1);
    const wave: UpgradeWave = { index: 0, kind: 'canary', criticality: 'all', servers: [first] };
    const gate = async (since: number) =>
      (await evaluateGates(fleet.prometheus, model, plan, wave, new Set(), since)).find(
        (g) => g.gate === 'wave-back',
      );
    const name = first;
    // back an hour from now: every reading is older, none says it is not at 2099.01
    expect(await gate(Date.now() / 1000 + 3600)).toMatchObject({
      result: 'inconclusive',
      reason: `1 of the wave's servers have not been scraped since they came back (${name.server}); waiting for a reading`,
    });
    // back before the last scrape: that reading counts, and it is not at 2099.01
    expect(await gate(0)).toMatchObject({
      result: 'failed',
      reason: `1 of the wave's servers are not up at 2099.01, scraped since they came back: ${name.server}`,
    });
  }, 120_000);
});
