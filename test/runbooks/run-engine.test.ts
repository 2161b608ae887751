/**
 * The engine on a runbook of its own (no upgrade, no process): each step journaled started before
 * it acts and done after, a step found done not acted on, a refused step never begun.
 */
import { describe, expect, it } from 'vitest';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import { PlainReporter } from '../../runbooks/engine/progress.ts';
import { type EngineContext, startRun } from '../../runbooks/engine/run-engine.ts';
import type { BoundRunbook, GateOutcome, Target } from '../../runbooks/engine/runbook.ts';
import { tempDir } from '../helpers/city.ts';

const targets: Target[] = ['a', 'b', 'c'].map((id) => ({ id, title: id }));

/** A runbook whose effects are a set the test reads; `refusing` is refused its second step. */
function toy(effects: Set<string>, journalLength: () => Promise<number>, refusing = '') {
  const seenBefore: number[] = [];
  const book: BoundRunbook = {
    name: 'toy',
    waves: [{ index: 0, title: 'wave 0', targets }],
    steps: ['one', 'two'].map((name) => ({
      name,
      describe: (t) => `${name} ${t.id}`,
      // 'b' has step one done already, outside the run
      done: async (t) => (effects.has(`${t.id}:${name}`) ? 'there' : null),
      refuse: (t) => (t.id === refusing && name === 'two' ? 'not now' : null),
      run: async (t) => {
        seenBefore.push(await journalLength());
        effects.add(`${t.id}:${name}`);
      },
    })),
    window: null,
    summary: '3 targets',
    noun: ['target', 'targets'],
    done: 'done',
    finished: () => 'finished',
  };
  return { book, seenBefore };
}

describe('the runbook engine', () => {
  it('journals each step before it acts, acts on none found done, begins none refused', async () => {
    const store = new FileRunStore(tempDir());
    const effects = new Set(['b:one']);
    let run = '';
    const length = async () => {
      const j = await store.journal(run || (await store.runs())[0] || '', { create: false });
      const n = (await j.read()).length;
      await j.close();
      return n;
    };
    const { book, seenBefore } = toy(effects, length, 'c');
    const ctx: EngineContext = {
      store,
      reporter: new PlainReporter(() => {}),
      actor: { user: 'minh', host: 'h', pid: process.pid },
      settings: {
        maxFailures: 1,
        gateSettleSeconds: 0,
        gateTimeoutSeconds: 1,
        outsideWindow: 'exit',
        concurrency: 1,
      },
      executor: 'test',
      fourEyes: false,
    };
    const outcome = await startRun(ctx, book, {
      plan: { toy: true },
      approvedBy: 'lan',
      options: {},
      says: 'toy',
    });
    run = outcome.run;
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/1 target\(s\) failed \(within --max-failures 1\): c/);
    // each action saw its own started record in the journal already (a one, a two, b two, c one)
    expect(seenBefore).toEqual([4, 6, 9, 11]);
    expect([...effects].sort()).toEqual(['a:one', 'a:two', 'b:one', 'b:two', 'c:one']);
    const journal = await store.journal(run, { create: false });
    const records = (await journal.read()).map((r) =>
      'step' in r
        ? `${r.kind} ${r.target} ${r.step}${r.kind === 'step-done' ? ` ${r.outcome}` : ''}`
        : r.kind,
    );
    await journal.close();
    await store.close();
    expect(records).toEqual([
      'run-started',
      'approval',
      'wave-started',
      'step-started a one',
      'step-done a one done',
      'step-started a two',
      'step-done a two done',
      'step-done b one already',
      'step-started b two',
      'step-done b two done',
      'step-started c one',
      'step-done c one done',
      // refused: never begun, so a resume has nothing of it to check
      'step-failed c two',
      'wave-done',
      'run-finished',
    ]);
  });
});

describe.each([
  {
    inconclusive: 'a reading not there yet (Prometheus answered)',
    awaitingReading: true,
    waits: ['1 s', '1 s'],
  },
  { inconclusive: 'no answer from Prometheus', awaitingReading: false, waits: ['1 s', '2 s'] },
])('gates inconclusive for $inconclusive', ({ awaitingReading, waits }) => {
  it(`asks again after ${waits.join(', then ')}, and passes once they answer`, async () => {
    const store = new FileRunStore(tempDir());
    let asked = 0;
    const outcome = (result: GateOutcome['result']): GateOutcome => ({
      gate: 'back',
      result,
      query: 'up == 1',
      value: result === 'passed' ? '1/1' : 'no value',
      reason: result === 'passed' ? 'back' : 'not yet',
      ...(result === 'inconclusive' && awaitingReading ? { awaitingReading } : {}),
    });
    const book: BoundRunbook = {
      ...toy(new Set(), async () => 0).book,
      waves: [{ index: 0, title: 'wave 0', targets: targets.slice(0, 1) }],
      gates: async () => [outcome(++asked <= waits.length ? 'inconclusive' : 'passed')],
    };
    let shown = '';
    const result = await startRun(
      {
        store,
        reporter: new PlainReporter((t) => {
          shown += t;
        }),
        actor: { user: 'minh', host: 'h', pid: process.pid },
        settings: {
          maxFailures: 0,
          gateSettleSeconds: 0,
          gateTimeoutSeconds: 60,
          outsideWindow: 'exit',
          concurrency: 1,
        },
        executor: 'test',
        fourEyes: false,
      },
      book,
      { plan: { toy: true }, approvedBy: 'lan', options: {}, says: 'toy' },
    );
    await store.close();
    expect(result.status, shown).toBe('succeeded');
    expect(asked).toBe(waits.length + 1);
    expect([...shown.matchAll(/inconclusive, retrying in (\d+ s)/g)].map((m) => m[1])).toEqual(waits);
  }, 20_000);
});
