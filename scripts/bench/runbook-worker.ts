/**
 * Measures one side of a runbook bench row in this process:
 *   plan-ours     — the upgrade plan of the fleet (waves by failure domain, headroom included);
 *   plan-peer     — the naive plan: the sorted server list cut into fixed batches of 100;
 *   journal-ours  — every step record of the fleet's upgrade (started and done, five steps a
 *                   server) appended to the local journal as the engine does: the servers of a
 *                   wave side by side (64 at a time), each awaiting its record before its next;
 *   journal-peer  — the same records, one write and one fdatasync each, in a loop;
 *   engine-ours   — a no-op runbook of five steps over every server, in waves by failure domain,
 *                   run by the engine (runbooks/engine/run-engine.ts): lock, journal, each step's
 *                   done check, its started and done records, progress lines (to nowhere).
 * Prints {medianMs, peakRssMB, records} as JSON.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type CityModel, loadCity, serversInService } from '../../model/index.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import type { JournalEvent } from '../../runbooks/engine/journal-records.ts';
import { PlainReporter } from '../../runbooks/engine/progress.ts';
import { startRun } from '../../runbooks/engine/run-engine.ts';
import type { Runbook } from '../../runbooks/engine/runbook-spec.ts';
import { bindSpec, planSpec } from '../../runbooks/engine/spec-runbook.ts';
import { SimExecutor } from '../../runbooks/executors/sim-executor.ts';
import { planUpgrade } from '../../runbooks/upgrade/upgrade-plan.ts';
import { UPGRADE_STEPS } from '../../runbooks/upgrade/upgrade-runbook.ts';
import { measure } from './harness.ts';

const [mode, inventory, warmups = '3', runs = '11', dir = ''] = process.argv.slice(2) as [
  string,
  string,
  string?,
  string?,
  string?,
];
const model = loadCity(inventory).model as CityModel;
const none = { versions: new Map<string, string>() };
const RUN = 'upgrade-20261201-220000-0a0b';

/** The records the engine journals for a server's steps, in its order. */
function* stepRecords(wave: number, server: string): Generator<JournalEvent> {
  for (const step of UPGRADE_STEPS) {
    yield {
      kind: 'step-started',
      wave,
      target: server,
      step,
      command: `POST /fleet/servers/${server}/${step}`,
    };
    yield { kind: 'step-done', wave, target: server, step, outcome: 'done' };
  }
}

async function journalOurs(): Promise<{ ms: number; records: number }> {
  rmSync(dir, { recursive: true, force: true });
  const store = new FileRunStore(dir);
  // a journal is written under the fleet lock, as the engine writes it
  const { lock } = await store.acquire({ user: 'bench', host: 'bench', pid: process.pid, run: RUN });
  const journal = await store.journal(RUN, { create: true });
  const plan = planUpgrade(model, none, '2026.12');
  let records = 0;
  const started = performance.now();
  for (const wave of plan.waves) {
    let next = 0;
    const worker = async () => {
      while (next < wave.servers.length) {
        const s = wave.servers[next++] as { server: string };
        for (const r of stepRecords(wave.index, s.server)) {
          await journal.append(r);
          records++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(64, wave.servers.length) }, worker));
  }
  const ms = performance.now() - started;
  await journal.close();
  await lock.release();
  await store.close();
  return { ms, records };
}

function journalPeer(): { ms: number; records: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'journal.jsonl'), 'a');
  const plan = planUpgrade(model, none, '2026.12');
  let seq = 0;
  const started = performance.now();
  for (const wave of plan.waves)
    for (const s of wave.servers)
      for (const r of stepRecords(wave.index, s.server)) {
        writeSync(fd, `${JSON.stringify({ seq: ++seq, at: new Date().toISOString(), ...r })}\n`);
        fdatasyncSync(fd);
      }
  const ms = performance.now() - started;
  closeSync(fd);
  return { ms, records: seq };
}

/** A no-op runbook over every server in service, run by the engine into a fresh local store. */
async function engineOurs(): Promise<{ ms: number; records: number }> {
  rmSync(dir, { recursive: true, force: true });
  const store = new FileRunStore(dir);
  const spec: Runbook = {
    name: 'no-op',
    description: 'does nothing, journaled',
    window: 'any',
    plan: ({ serverWaves: waves }) => waves(serversInService(model).map((x) => x.name)),
    steps: UPGRADE_STEPS.map((name) => ({ name, done: () => null, run: () => undefined })),
  };
  const plan = await planSpec(spec, model, {}, new Set());
  const book = bindSpec(spec, plan, {
    model,
    values: {},
    secrets: new Set(),
    prometheus: '',
    // never reached: the no-op steps touch no server
    executor: new SimExecutor('http://127.0.0.1:1'),
    inventory,
  });
  const started = performance.now();
  const outcome = await startRun(
    {
      store,
      reporter: new PlainReporter(() => {}),
      actor: { user: 'bench', host: 'bench', pid: process.pid },
      settings: {
        maxFailures: 0,
        gateSettleSeconds: 0,
        gateTimeoutSeconds: 1,
        outsideWindow: 'exit',
        concurrency: 64,
      },
      executor: 'zx',
      fourEyes: false,
    },
    book,
    { plan, approvedBy: 'bench', options: {}, says: book.summary },
  );
  const ms = performance.now() - started;
  if (outcome.status !== 'succeeded') throw new Error(`the no-op run ${outcome.status}: ${outcome.reason}`);
  const journal = await store.journal(outcome.run, { create: false });
  const records = (await journal.read()).filter(
    (r) => r.kind === 'step-started' || r.kind === 'step-done',
  ).length;
  await journal.close();
  await store.close();
  return { ms, records };
}

const peak = () => process.resourceUsage().maxRSS / 1024;
if (mode === 'plan-ours') {
  // a copy of the model each time, so the headroom is computed afresh (it is memoized per model)
  const m = measure(() => planUpgrade({ ...model }, none, '2026.12'), Number(warmups), Number(runs));
  console.log(JSON.stringify({ ...m, records: planUpgrade(model, none, '2026.12').waves.length }));
} else if (mode === 'plan-peer') {
  const m = measure(
    () => {
      const names = model.servers.map((s) => s.name).sort();
      const batches: string[][] = [];
      for (let i = 0; i < names.length; i += 100) batches.push(names.slice(i, i + 100));
      return batches;
    },
    Number(warmups),
    Number(runs),
  );
  console.log(JSON.stringify(m));
} else if (mode === 'journal-ours') {
  const r = await journalOurs();
  console.log(JSON.stringify({ medianMs: r.ms, peakRssMB: peak(), records: r.records }));
} else if (mode === 'engine-ours') {
  const r = await engineOurs();
  console.log(JSON.stringify({ medianMs: r.ms, peakRssMB: peak(), records: r.records }));
} else if (mode === 'journal-peer') {
  const r = journalPeer();
  console.log(JSON.stringify({ medianMs: r.ms, peakRssMB: peak(), records: r.records }));
} else throw new Error(`unknown mode ${mode}`);
