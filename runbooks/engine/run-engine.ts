/**
 * Runs a runbook bound to its plan (runbook.ts): wave by wave, each target through every step it
 * has not done, gates between waves, every step journaled before and after it acts.
 *
 * Exactly once, across any crash: a step's "started" record is durable before the step acts, and
 * every step checks the target itself before acting (its `done`), so a resume after a `kill -9`
 * anywhere — between an action and its journal line included — repeats no effect and skips no
 * step. The plan is the one journaled at the start: a resume follows it, so no target changes
 * wave; and the inventory must still accept it (the caller's `bind` says why not).
 */
import { randomBytes } from 'node:crypto';
import { type Actor, type JournalEvent, type RunState, replay, sameIdentity } from './journal-records.ts';
import { describeWindow, insideWindow, nextOpening } from './maintenance-window.ts';
import type { Reporter } from './progress.ts';
import {
  type HeldLock,
  type Journal,
  JournalRefused,
  JournalUnwritable,
  type RunStore,
} from './run-store.ts';
import {
  type BoundRunbook,
  type GateOutcome,
  type Step,
  type StepAct,
  StepWaiting,
  type Target,
  type Wave,
} from './runbook.ts';

export interface EngineSettings {
  /** Abort when more targets than this fail. */
  readonly maxFailures: number;
  /** How long failing gates may take to pass after a wave (servers coming back, alerts clearing). */
  readonly gateSettleSeconds: number;
  /** How long gates may stay unanswerable before the run stops, resumable. */
  readonly gateTimeoutSeconds: number;
  /** Outside the maintenance window: wait for it, or stop resumable. */
  readonly outsideWindow: 'wait' | 'exit';
  /** Targets acted on at once within a wave. */
  readonly concurrency: number;
}

export interface EngineContext {
  readonly store: RunStore;
  readonly reporter: Reporter;
  readonly actor: Actor;
  readonly settings: EngineSettings;
  /** What acts on the targets: a run goes on only with the one it was started with. */
  readonly executor: string;
  /** Which fleet it acts on (the simulator's URL, the kube context): a run goes on only on the same. */
  readonly fleet?: string;
  /** runbooks.fourEyes: the approver is someone other than who starts or resumes the run. */
  readonly fourEyes: boolean;
  /** Aborted on SIGINT/SIGTERM: no target or wave starts; targets under way finish their steps. */
  readonly signal?: AbortSignal;
  /** The clock, for the window (tests pass their own). */
  readonly now?: () => Date;
  /**
   * Called right after each action, before its journal line: where the crash tests kill the
   * process (the command line's CITYCLOUD_CRASH_AFTER), the worst moment to die.
   */
  readonly afterAction?: (step: string, target: string) => void;
}

export type RunStatus = 'succeeded' | 'failed' | 'paused';

export interface RunOutcome {
  readonly run: string;
  readonly status: RunStatus;
  readonly reason: string;
}

/** A new run's id: the runbook, the time (UTC) and four random hex digits (run-store.ts RUN_ID). */
export function newRunId(runbook: string, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${runbook}-${t}-${randomBytes(2).toString('hex')}`;
}

/** Waits `ms`, or less when the signal aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

type TargetResult = 'done' | 'failed' | 'interrupted' | 'waiting';

/** A step's own failure, kept apart from a journal that can no longer be written. */
const journalLost = (err: unknown): err is JournalUnwritable => err instanceof JournalUnwritable;

const count = (n: number, [one, many]: readonly [string, string]) => `${n} ${n === 1 ? one : many}`;

class Run<T extends Target> {
  /** Targets failed in this execution: --max-failures counts these. */
  private failures = 0;
  private readonly failedSet = new Set<string>();
  /** Targets this execution finished (done or skipped): never gone through again. */
  private readonly finishedSet = new Set<string>();
  /** Targets whose step waits for what no run can do, and why: the run stops after the wave. */
  private readonly waiting = new Map<string, string>();
  /** Set when the journal cannot be written any more: nothing more is acted on. */
  private lost: JournalUnwritable | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly run: string,
    private readonly book: BoundRunbook<T>,
    private readonly journal: Journal,
    /** The journal's state when this execution began (targets that failed before are tried again). */
    private readonly state: RunState,
  ) {}

  private now(): Date {
    return this.ctx.now?.() ?? new Date();
  }

  private async log(event: JournalEvent): Promise<void> {
    await this.journal.append(event);
  }

  private get aborted(): boolean {
    return this.ctx.signal?.aborted === true || this.lost !== null;
  }

  private shown(wave: Wave<T>, targets: readonly T[], onlyIfOut = false) {
    return targets.map((t) => ({
      title: t.title,
      run: (update: (text: string) => void) => this.target(wave, t, update, onlyIfOut),
    }));
  }

  async execute(): Promise<RunOutcome> {
    const { reporter } = this.ctx;
    const { book } = this;
    const last = book.waves.length - 1;
    for (const planned of book.waves) {
      // a wave that passed is done, but for targets that failed in it: a resume tries them again
      const retry = planned.targets.filter((t) => this.state.targets.get(t.id)?.failed);
      if (this.state.wavesPassed.has(planned.index) && retry.length === 0) continue;
      const wave = this.state.wavesPassed.has(planned.index) ? { ...planned, targets: retry } : planned;
      // a wave starts only inside the window; outside it, a wave under way finishes the targets
      // found out of service, and the rest wait for the window (a journal saying a wave began is
      // not taken on trust)
      const begun = this.state.waveTimes.has(wave.index) && !this.state.wavesPassed.has(wave.index);
      if (begun && !insideWindow(book.window, this.now())) {
        const underWay = wave.targets.filter((t) => this.underWay(t.id));
        if (underWay.length > 0) {
          const results = await reporter.wave(
            `wave ${wave.index}/${last}, outside the window: finishing the ${count(underWay.length, book.noun)} under way`,
            this.shown(wave, underWay, true),
            this.ctx.settings.concurrency,
          );
          if (this.lost) throw this.lost;
          if (results.includes('interrupted') || this.aborted)
            return this.pause(
              `interrupted (SIGINT/SIGTERM) in a wave; the ${book.noun[1]} under way finished; resume it`,
            );
        }
      }
      const waited = await this.awaitWindow();
      if (waited) return waited;
      // failed targets still out of service count against what a wave may take, in every later wave
      const over = this.failedSet.size > 0 ? (book.beforeWave?.(wave, this.failedSet) ?? null) : null;
      if (over) return this.finish('failed', over);
      if (this.aborted) return this.pause('interrupted (SIGINT/SIGTERM) before a wave; resume it');
      // a resumed wave's duration counts from its journaled start
      const started = begun
        ? Date.parse(this.state.waveTimes.get(wave.index)?.started ?? '') || Date.now()
        : Date.now();
      if (!begun) await this.log({ kind: 'wave-started', wave: wave.index });
      const results = await reporter.wave(
        wave.title,
        this.shown(wave, wave.targets),
        this.ctx.settings.concurrency,
      );
      if (this.lost) throw this.lost;
      if (results.includes('interrupted') || this.aborted)
        return this.pause(
          `interrupted (SIGINT/SIGTERM) in a wave; the ${book.noun[1]} under way finished; resume it`,
        );
      // every target of the wave is back (or failed): readings older than this say nothing of them
      const back = Date.now() / 1000;
      if (this.failures > this.ctx.settings.maxFailures)
        return this.finish(
          'failed',
          `${this.failures} ${book.noun[0]}(s) failed, more than --max-failures ${this.ctx.settings.maxFailures}; fix them and resume, or raise --max-failures`,
        );
      // a waiting target is not done: its wave is not judged, and no later wave starts
      if (this.waiting.size > 0) {
        const [[id, why]] = [...this.waiting] as [[string, string]];
        const more = this.waiting.size > 1 ? ` (and ${this.waiting.size - 1} more)` : '';
        return this.pause(`${id} is waiting at ${why}${more}; resume it when that is done`);
      }
      const gates = await this.gates(wave, back);
      if (gates) return gates;
      await this.log({
        kind: 'wave-done',
        wave: wave.index,
        // never below 0: a journaled start from a clock ahead of this one says nothing of the wave
        seconds: Math.max(0, Math.round((Date.now() - started) / 100) / 10),
      });
    }
    if (this.failedSet.size > 0)
      return this.finish(
        'failed',
        `every wave passed its gates, but ${this.failedSet.size} ${book.noun[0]}(s) failed (within --max-failures ${this.ctx.settings.maxFailures}): ${[...this.failedSet].sort().slice(0, 5).join(', ')}; fix them and resume to try them again`,
      );
    return this.finish('succeeded', `every wave passed its gates (${book.summary})`);
  }

  private async awaitWindow(): Promise<RunOutcome | null> {
    const { window } = this.book;
    if (insideWindow(window, this.now())) return null;
    const opens = nextOpening(window, this.now());
    if (this.ctx.settings.outsideWindow === 'exit')
      return this.pause(
        `outside the maintenance window (${describeWindow(window)}); it opens at ${opens.toISOString()}`,
      );
    return this.ctx.reporter.task({
      title: `waiting for the maintenance window (${describeWindow(window)})`,
      run: async (update) => {
        update(`opens at ${opens.toISOString()}`);
        while (!insideWindow(window, this.now())) {
          if (this.aborted) return this.pause('interrupted while waiting for the maintenance window');
          await sleep(
            Math.min(60_000, Math.max(1000, nextOpening(window, this.now()).getTime() - Date.now())),
            this.ctx.signal,
          );
        }
        return null;
      },
    });
  }

  private async pause(reason: string): Promise<RunOutcome> {
    await this.log({ kind: 'paused', reason });
    return { run: this.run, status: 'paused', reason };
  }

  private async finish(outcome: 'succeeded' | 'failed', reason: string): Promise<RunOutcome> {
    await this.log({ kind: 'run-finished', outcome, reason });
    return { run: this.run, status: outcome, reason };
  }

  private lastStep(): string {
    return (this.book.steps.at(-1) as Step<T>).name;
  }

  /** Whether the journal says a target's steps began and are not finished (the target is asked too). */
  private underWay(id: string): boolean {
    const p = this.state.targets.get(id);
    if (!p || this.finishedSet.has(id) || p.done.includes(this.lastStep()) || p.skipped) return false;
    return p.started !== null || p.done.length > 0 || p.failed !== null;
  }

  /** One target through every step it has not done. */
  private async target(
    wave: Wave<T>,
    t: T,
    update: (text: string) => void,
    /** Outside the window: act only on a target found out of service already. */
    onlyIfOut: boolean,
  ): Promise<TargetResult> {
    const progress = this.state.targets.get(t.id);
    if (progress?.done.includes(this.lastStep()) || this.finishedSet.has(t.id)) {
      update('done before');
      return 'done';
    }
    // a runbook that cannot tell finishes what it began: a half-done target is not left so
    if (onlyIfOut && this.book.outOfService && !(await this.book.outOfService(t).catch(() => false))) {
      update('in service: it waits for the maintenance window');
      return 'done';
    }
    if (progress?.skipped) {
      update(`skipped before: ${progress.skipped}`);
      return 'done';
    }
    // an interrupt stops targets from starting; one under way finishes, so none is left half done
    if (this.aborted) return 'interrupted';
    try {
      const result = await this.steps(wave, t, update);
      if (result === 'done') this.finishedSet.add(t.id);
      return result;
    } catch (err) {
      if (journalLost(err)) {
        this.lost ??= err;
        update(`stopped: ${err.message}`);
        return 'interrupted';
      }
      throw err;
    }
  }

  /** The steps of one target; a step that fails after its started record gets its failed record. */
  private async steps(wave: Wave<T>, t: T, update: (text: string) => void): Promise<TargetResult> {
    const progress = this.state.targets.get(t.id);
    const done = new Set(progress?.done ?? []);
    let started = progress?.started ?? null;
    const fresh = done.size === 0 && started === null && !progress?.failed;
    const base = { wave: wave.index, target: t.id };
    for (const [i, step] of this.book.steps.entries()) {
      const redo = step.repeatUntil !== undefined && !done.has(step.repeatUntil);
      if (done.has(step.name) && !redo) continue;
      if (this.lost) return 'interrupted';
      try {
        const command = step.describe(t);
        // a target found needing nothing before its first step is skipped, nothing touched
        const skipped = i === 0 && fresh ? await this.book.skip?.(t) : null;
        if (skipped) {
          update(`skipped: ${skipped}`);
          await this.log({ kind: 'target-skipped', ...base, reason: skipped });
          return 'done';
        }
        const memo = started?.step === step.name ? started.memo : undefined;
        const act: StepAct = {
          wave: wave.index,
          update,
          command: (line) => this.log({ kind: 'command', ...base, step: step.name, command: line }),
          ...(memo === undefined ? {} : { memo }),
          ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
        };
        const already = await step.done(t, memo);
        if (already) {
          update(`${step.name}: already (${already})`);
          // done, perhaps by a run that died before it saw the effect through: wait as it would
          await step.settle?.(t, act, 'found');
          await this.log({
            kind: 'step-done',
            ...base,
            step: step.name,
            outcome: 'already',
            detail: already,
          });
        } else {
          const refused = step.refuse?.(t);
          if (refused) throw new Error(refused);
          update(`${step.name}: ${command}`);
          const remembered = await step.remember?.(t);
          await this.log({
            kind: 'step-started',
            ...base,
            step: step.name,
            command,
            ...(remembered === undefined ? {} : { memo: remembered }),
          });
          const acting = remembered === undefined ? act : { ...act, memo: remembered };
          await step.run(t, acting);
          this.ctx.afterAction?.(step.name, t.id);
          await step.settle?.(t, acting, 'acted');
          await this.log({ kind: 'step-done', ...base, step: step.name, outcome: 'done' });
        }
        started = null;
      } catch (err) {
        if (journalLost(err)) throw err;
        if (err instanceof StepWaiting) {
          const reason = err.reason.split('\n')[0] as string;
          update(`${step.name}: waiting: ${reason}`);
          this.waiting.set(t.id, `${step.name}: ${reason}`);
          await this.log({ kind: 'step-waiting', ...base, step: step.name, reason });
          return 'waiting';
        }
        const error = (err as Error).message.split('\n')[0] as string;
        update(`${step.name}: failed: ${error}`);
        this.failures++;
        this.failedSet.add(t.id);
        await this.log({ kind: 'step-failed', ...base, step: step.name, error });
        return 'failed';
      }
    }
    update(this.book.finished(t));
    return 'done';
  }

  /** The gates after a wave: settle, retry the unanswerable, never pass what is not answered. */
  private async gates(wave: Wave<T>, back: number): Promise<RunOutcome | null> {
    const { book } = this;
    if (!book.gates) return null;
    const { settings, reporter } = this.ctx;
    // targets that failed (tolerated by --max-failures) are not expected back
    const failedHere = new Set(wave.targets.map((t) => t.id).filter((id) => this.failedSet.has(id)));
    const checked: Wave<T> =
      failedHere.size > 0 ? { ...wave, targets: wave.targets.filter((t) => !failedHere.has(t.id)) } : wave;
    const gates = book.gates.bind(book);
    return reporter.task({
      title: `gates after wave ${wave.index}`,
      run: async (update) => {
        const settleUntil = Date.now() + settings.gateSettleSeconds * 1000;
        const timeoutAt = Date.now() + settings.gateTimeoutSeconds * 1000;
        let backoff = 1000;
        let lastInconclusive = '';
        for (;;) {
          const outcomes = await gates(checked, this.failedSet, back);
          const unanswered = outcomes.filter((o) => o.result === 'inconclusive');
          const failed = outcomes.filter((o) => o.result === 'failed');
          if (unanswered.length === 0 && failed.length === 0) {
            for (const o of outcomes) await this.logGate(wave.index, o);
            update(outcomes.map((o) => `${o.gate} ✓ ${o.value}`).join(' · '));
            return null;
          }
          if (unanswered.length > 0) {
            const key = unanswered.map((o) => `${o.gate}:${o.reason}`).join('|');
            if (key !== lastInconclusive) {
              for (const o of unanswered) await this.logGate(wave.index, o);
              lastInconclusive = key;
            }
            update(
              `inconclusive, retrying in ${backoff / 1000} s: ${unanswered.map((o) => `${o.gate}: ${o.reason}`).join('; ')}`,
            );
            if (Date.now() + backoff > timeoutAt)
              return this.pause(
                `gates after wave ${wave.index} stayed inconclusive past --gate-timeout ${settings.gateTimeoutSeconds} s (${unanswered[0]?.gate}: ${unanswered[0]?.reason}); nothing more was ${book.done}; resume it once Prometheus answers`,
              );
            await sleep(backoff, this.ctx.signal);
            if (this.aborted) return this.pause('interrupted while the gates were inconclusive');
            // a reading due with the next scrape is asked for again soon; a silent Prometheus is spared
            backoff = unanswered.every((o) => o.awaitingReading) ? 1000 : Math.min(30_000, backoff * 2);
            continue;
          }
          backoff = 1000;
          if (Date.now() >= settleUntil) {
            for (const o of failed) await this.logGate(wave.index, o);
            const first = failed[0] as GateOutcome;
            return this.finish(
              'failed',
              `gate ${first.gate} failed after wave ${wave.index}: ${first.reason} (query: ${first.query}; value: ${first.value})`,
            );
          }
          update(`waiting for: ${failed.map((o) => `${o.gate} (${o.reason})`).join('; ')}`);
          await sleep(1000, this.ctx.signal);
          if (this.aborted) return this.pause('interrupted while waiting for the gates');
        }
      },
    });
  }

  private async logGate(wave: number, o: GateOutcome): Promise<void> {
    await this.log({
      kind: 'gate',
      wave,
      gate: o.gate,
      result: o.result,
      query: o.query,
      value: o.value,
      reason: o.reason,
    });
  }
}

/** A stop for a journal that cannot be written, with the run it stopped. */
function named(err: unknown, run: string): unknown {
  if (journalLost(err)) err.run ??= run;
  return err;
}

export interface StartOptions {
  /** The plan as approved, journaled: a resume binds the runbook to it again. */
  readonly plan: object;
  readonly approvedBy: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** The SHA-256 of the runbook's source file, for one loaded from a file. */
  readonly source?: string;
  /** The line said once the run is journaled (`38 servers in 9 waves`). */
  readonly says: string;
}

/** Starts a new run: takes the lock, journals the plan and the approval, executes. */
export async function startRun<T extends Target>(
  ctx: EngineContext,
  book: BoundRunbook<T>,
  start: StartOptions,
): Promise<RunOutcome> {
  const run = newRunId(book.name);
  const { lock } = await ctx.store.acquire({ ...ctx.actor, run });
  let journal: Journal | null = null;
  try {
    journal = await ctx.store.journal(run, { create: true });
    await journal.append({
      kind: 'run-started',
      runbook: book.name,
      ...(start.source === undefined ? {} : { source: start.source }),
      by: ctx.actor,
      executor: ctx.executor,
      ...(ctx.fleet === undefined ? {} : { fleet: ctx.fleet }),
      plan: start.plan,
      options: start.options,
    });
    await journal.append({
      kind: 'approval',
      approvedBy: start.approvedBy,
      operator: ctx.actor.user,
      fourEyes: ctx.fourEyes,
    });
    ctx.reporter.line(`run ${run}: ${start.says}, journal in ${ctx.store.where}`);
    return await new Run(ctx, run, book, journal, replay(await journal.read())).execute();
  } catch (err) {
    throw named(err, run);
  } finally {
    await journal?.close();
    await lock.release();
  }
}

/**
 * The runbook a journaled run binds to again, from its run-started record (its runbook, source
 * and plan), or why it cannot be: the plan must pass the inventory's rules as they are now.
 */
export type Rebind = (
  started: Extract<JournalEvent, { kind: 'run-started' }>,
) => Promise<{ readonly book: BoundRunbook } | { readonly problem: string }>;

/**
 * Why a journaled run may not be resumed, or null: it must have started and been approved, with
 * the executor it was started with, and with four eyes its approver must be someone other than
 * whoever started it and whoever resumes it. A journal can be written by hand: nothing in it is
 * obeyed that the inventory (`rebind`) does not confirm.
 */
function resumeProblem(ctx: EngineContext, run: string, state: RunState): string | null {
  if (!state.started)
    return `run ${run} has no records: it was stopped before its first one and acted on nothing; start a new run`;
  if (!state.approval)
    return `run ${run} has no approval record: it was stopped before it was approved and acted on nothing; start a new run`;
  // another executor would act on another fleet (the simulator for the real one) and journal
  // its steps done: a run goes on only with the executor it was started with
  if (state.started.executor !== ctx.executor)
    return `run ${run} was started with executor ${JSON.stringify(state.started.executor)}, not ${ctx.executor}: resume it with --executor ${JSON.stringify(state.started.executor)} (another executor acts on another fleet)`;
  // an operator's slip, not a forgery (whoever writes the journal writes this too): a run goes
  // on with the fleet it journaled
  if (state.started.fleet !== undefined && state.started.fleet !== ctx.fleet)
    return `run ${run} acts on ${JSON.stringify(state.started.fleet)}, not ${JSON.stringify(ctx.fleet ?? '(none)')}: resume it with the --simulator or --kube-context it was started with (another acts on another fleet)`;
  if (ctx.fourEyes) {
    const approver = state.approval.approvedBy;
    if (sameIdentity(approver, state.started.by.user))
      return `run ${run} was approved by ${approver}, who started it; runbooks.fourEyes needs someone else's approval: plan a new run`;
    if (sameIdentity(approver, ctx.actor.user))
      return `run ${run} was approved by ${approver}, who may not also run it (runbooks.fourEyes): someone else resumes it`;
  }
  return null;
}

/** The settings that differ between `was` and `now`: `maxFailures 0 → 5`. */
export function settingsChanged(
  was: Readonly<Record<string, unknown>>,
  now: Readonly<Record<string, unknown>>,
): string[] {
  return [...new Set([...Object.keys(was), ...Object.keys(now)])]
    .filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k} ${JSON.stringify(was[k]) ?? '(none)'} → ${JSON.stringify(now[k]) ?? '(none)'}`);
}

/** The runbook of a run checked for a resume, or a refusal. */
async function bound(
  ctx: EngineContext,
  run: string,
  state: RunState,
  rebind: Rebind,
): Promise<BoundRunbook> {
  const refused = resumeProblem(ctx, run, state);
  if (refused) throw new JournalRefused(refused);
  const r = await rebind(state.started as NonNullable<RunState['started']>);
  if ('problem' in r) throw new JournalRefused(`run ${run}: ${r.problem}`);
  return r.book;
}

/**
 * Resumes a run from its journal: its own plan, from the first step not done, with the settings
 * the resume was given (journaled; those that differ from the ones the run last had are said).
 */
export async function resumeRun(
  ctx: EngineContext,
  run: string,
  options: Readonly<Record<string, unknown>>,
  rebind: Rebind,
): Promise<RunOutcome> {
  let journal: Journal | null = await ctx.store.journal(run, { create: false });
  const before = replay(await journal.read());
  await journal.close();
  journal = null;
  await bound(ctx, run, before, rebind);
  if (before.finished?.outcome === 'succeeded')
    return { run, status: 'succeeded', reason: `run ${run} had already finished: ${before.finished.reason}` };
  let lock: HeldLock | null = null;
  try {
    const acquired = await ctx.store.acquire({ ...ctx.actor, run }, { takeOverDeadOf: run });
    lock = acquired.lock;
    journal = await ctx.store.journal(run, { create: false });
    // read again under the lock: what a run that held it until now wrote is part of it
    const state = replay(await journal.read());
    const book = await bound(ctx, run, state, rebind);
    const tookOver = acquired.tookOver
      ? { user: acquired.tookOver.user, host: acquired.tookOver.host, pid: acquired.tookOver.pid }
      : undefined;
    await journal.append({
      kind: 'resumed',
      by: ctx.actor,
      ...(tookOver ? { tookOverLockOf: tookOver } : {}),
      options,
    });
    const changed = settingsChanged(state.options, options);
    if (changed.length > 0)
      ctx.reporter.line(`run ${run} goes on with other settings than it last had: ${changed.join(', ')}`);
    if (tookOver)
      ctx.reporter.line(
        `took over the lock of run ${run} from ${tookOver.user}@${tookOver.host} pid ${tookOver.pid}, which is no longer running (journaled)`,
      );
    return await new Run(ctx, run, book, journal, replay(await journal.read())).execute();
  } catch (err) {
    throw named(err, run);
  } finally {
    await journal?.close().catch(() => {});
    await lock?.release();
  }
}
