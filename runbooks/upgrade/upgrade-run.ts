/**
 * Executes an upgrade plan: wave by wave, each server through cordon → drain → upgrade → reboot
 * → uncordon, gates between waves, every step journaled before and after it acts.
 *
 * Exactly once, across any crash: a step's "started" record is durable before the step acts, and
 * every step checks the fleet before acting (the version installed, the boot id, the cordon), so
 * a resume after a `kill -9` anywhere — between an action and its journal line included —
 * repeats no effect and skips no step. The plan is the one journaled at the start: a resume
 * follows it, so no server changes wave.
 */
import { randomBytes } from 'node:crypto';
import { type CityModel, type PoolHeadroom, poolHeadrooms } from '../../model/index.ts';
import {
  type Actor,
  type JournalEvent,
  type RunState,
  replay,
  STEPS,
  type StepName,
  sameIdentity,
} from '../engine/journal-records.ts';
import { describeWindow, insideWindow, nextOpening } from '../engine/maintenance-window.ts';
import type { Reporter } from '../engine/progress.ts';
import {
  type HeldLock,
  type Journal,
  JournalRefused,
  JournalUnwritable,
  type RunStore,
} from '../engine/run-store.ts';
import type { Executor } from '../executors/executor.ts';
import { evaluateGates, type GateOutcome } from './upgrade-gates.ts';
import {
  planProblem,
  readPlan,
  type UpgradePlan,
  type UpgradeWave,
  type WaveServer,
} from './upgrade-plan.ts';

export interface RunSettings {
  readonly prometheus: string;
  /** Abort when more servers than this fail. */
  readonly maxFailures: number;
  /** How long failing gates may take to pass after a wave (servers coming back, alerts clearing). */
  readonly gateSettleSeconds: number;
  /** How long gates may stay unanswerable before the run stops, resumable. */
  readonly gateTimeoutSeconds: number;
  /** How long a server may take to come back from its reboot. */
  readonly rebootTimeoutSeconds: number;
  /** Outside the maintenance window: wait for it, or stop resumable. */
  readonly outsideWindow: 'wait' | 'exit';
  /** Servers acted on at once within a wave. */
  readonly concurrency: number;
}

export interface RunContext {
  readonly model: CityModel;
  readonly store: RunStore;
  readonly executor: Executor;
  readonly reporter: Reporter;
  readonly actor: Actor;
  readonly settings: RunSettings;
  /** Aborted on SIGINT/SIGTERM: no server or wave starts; servers under way finish their steps. */
  readonly signal?: AbortSignal;
  /** The clock, for the window (tests pass their own). */
  readonly now?: () => Date;
  /**
   * Called right after each action on the fleet, before its journal line: where the crash tests
   * kill the process (the command line's CITYCLOUD_CRASH_AFTER), the worst moment to die.
   */
  readonly afterAction?: (step: StepName, server: string) => void;
}

export type RunStatus = 'succeeded' | 'failed' | 'paused';

export interface RunOutcome {
  readonly run: string;
  readonly status: RunStatus;
  readonly reason: string;
}

/** A new run's id: the runbook, the time (UTC) and four random hex digits (run-store.ts RUN_ID). */
export function newRunId(runbook = 'upgrade', now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${runbook}-${t}-${randomBytes(2).toString('hex')}`;
}

/** Waits `ms`, or less when the signal aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

type ServerResult = 'done' | 'failed' | 'interrupted';

/** A step's own failure, kept apart from a journal that can no longer be written. */
const journalLost = (err: unknown): err is JournalUnwritable => err instanceof JournalUnwritable;

class UpgradeRun {
  /** Servers failed in this execution: --max-failures counts these. */
  private failures = 0;
  private readonly failedSet = new Set<string>();
  /** Servers this execution finished (done or skipped): never gone through again. */
  private readonly finished = new Set<string>();
  /** Set when the journal cannot be written any more: nothing more is acted on. */
  private lost: JournalUnwritable | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly run: string,
    private readonly plan: UpgradePlan,
    private readonly journal: Journal,
    /** The journal's state when this execution began (servers that failed before are tried again). */
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

  async execute(): Promise<RunOutcome> {
    const { reporter } = this.ctx;
    const total = this.plan.waves.length;
    for (const planned of this.plan.waves) {
      // a wave that passed is done, but for servers that failed in it: a resume tries them again
      const retry = planned.servers.filter((s) => this.state.servers.get(s.server)?.failed);
      if (this.state.wavesPassed.has(planned.index) && retry.length === 0) continue;
      const wave = this.state.wavesPassed.has(planned.index) ? { ...planned, servers: retry } : planned;
      // a wave starts only inside the window; outside it, a wave under way finishes the servers
      // the fleet says are out of service, and the rest wait for the window (a journal saying a
      // wave began is not taken on trust)
      const begun = this.state.waveTimes.has(wave.index) && !this.state.wavesPassed.has(wave.index);
      if (begun && !insideWindow(this.ctx.model.runbooks.upgradeWindow, this.now())) {
        const underWay = wave.servers.filter((s) => this.underWay(s.server));
        if (underWay.length > 0) {
          const results = await reporter.wave(
            `wave ${wave.index}/${total - 1}, outside the window: finishing the ${underWay.length} ${underWay.length === 1 ? 'server' : 'servers'} under way`,
            underWay.map((s) => ({
              title: `${s.server} (${s.pool}, ${s.rack})`,
              run: (update: (t: string) => void) => this.upgradeServer(wave, s.server, update, true),
            })),
            this.ctx.settings.concurrency,
          );
          if (this.lost) throw this.lost;
          if (results.includes('interrupted') || this.aborted)
            return this.pause(
              'interrupted (SIGINT/SIGTERM) in a wave; the servers under way finished; resume it',
            );
        }
      }
      const waited = await this.awaitWindow();
      if (waited) return waited;
      // failed servers still out of service count against their pool, in every later wave
      const over = this.overWithFailed(wave);
      if (over) return this.finish('failed', over);
      if (this.aborted) return this.pause('interrupted (SIGINT/SIGTERM) before a wave; resume it');
      // a resumed wave's duration counts from its journaled start
      const started = begun
        ? Date.parse(this.state.waveTimes.get(wave.index)?.started ?? '') || Date.now()
        : Date.now();
      if (!begun) await this.log({ kind: 'wave-started', wave: wave.index });
      const title = `wave ${wave.index}/${total - 1} (${wave.kind === 'canary' ? 'canary: one server of each pool' : `${wave.criticality} pools`}): ${wave.servers.length} ${wave.servers.length === 1 ? 'server' : 'servers'}`;
      const results = await reporter.wave(
        title,
        wave.servers.map((s) => ({
          title: `${s.server} (${s.pool}, ${s.rack})`,
          run: (update: (t: string) => void) => this.upgradeServer(wave, s.server, update),
        })),
        this.ctx.settings.concurrency,
      );
      if (this.lost) throw this.lost;
      if (results.includes('interrupted') || this.aborted)
        return this.pause(
          'interrupted (SIGINT/SIGTERM) in a wave; the servers under way finished; resume it',
        );
      // every server of the wave is back (or failed): readings older than this say nothing of them
      const back = Date.now() / 1000;
      const failed = results.filter((r) => r === 'failed').length;
      if (this.failures > this.ctx.settings.maxFailures)
        return this.finish(
          'failed',
          `${this.failures} server(s) failed, more than --max-failures ${this.ctx.settings.maxFailures}; fix them and resume, or raise --max-failures`,
        );
      const gates = await this.gates(wave, failed, back);
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
        `every wave passed its gates, but ${this.failedSet.size} server(s) failed (within --max-failures ${this.ctx.settings.maxFailures}): ${[...this.failedSet].sort().slice(0, 5).join(', ')}; fix them and resume to try them again`,
      );
    return this.finish('succeeded', `every wave passed its gates (${this.plan.toUpgrade} servers planned)`);
  }

  private async awaitWindow(): Promise<RunOutcome | null> {
    const window = this.ctx.model.runbooks.upgradeWindow;
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

  /** Whether the journal says a server's steps began and are not finished (the fleet is asked too). */
  private underWay(server: string): boolean {
    const p = this.state.servers.get(server);
    if (!p || this.finished.has(server) || p.done.includes('uncordon') || p.skipped) return false;
    return p.started !== null || p.done.length > 0 || p.failed !== null;
  }

  /**
   * Why a wave would take a pool past its w, or a warehouse pool past one rack, counting the
   * servers that failed in this run and may still be out of service; null when it would not.
   */
  private overWithFailed(wave: UpgradeWave): string | null {
    if (this.failedSet.size === 0) return null;
    const where = new Map(this.plan.waves.flatMap((w) => w.servers.map((s) => [s.server, s] as const)));
    const headrooms = poolHeadrooms(this.ctx.model);
    const kinds = new Map(this.ctx.model.pools.map((p) => [p.id, p.kind]));
    const pools = new Set(wave.servers.map((s) => s.pool));
    for (const pool of pools) {
      const mine = wave.servers.filter((s) => s.pool === pool && !this.failedSet.has(s.server));
      const out = [...this.failedSet]
        .map((n) => where.get(n))
        .filter((s): s is WaveServer => s !== undefined && s.pool === pool);
      if (out.length === 0 || mine.length === 0) continue;
      const w = (headrooms.get(pool) as PoolHeadroom).wave;
      const racks = new Set([...mine, ...out].map((s) => s.rack));
      if (mine.length + out.length > w || (kinds.get(pool) === 'warehouse' && racks.size > 1))
        return `pool ${pool} has ${out.length} failed server(s) that may still be out of service (${out
          .map((s) => s.server)
          .slice(0, 5)
          .join(
            ', ',
          )}); wave ${wave.index} would take it past ${kinds.get(pool) === 'warehouse' && racks.size > 1 ? 'one rack' : `its w of ${w}`}. Fix them and resume`;
    }
    return null;
  }

  /** One server through every step it has not done. */
  private async upgradeServer(
    wave: UpgradeWave,
    server: string,
    update: (t: string) => void,
    /** Outside the window: act only on a server the fleet says is out of service already. */
    onlyIfOut = false,
  ): Promise<ServerResult> {
    const progress = this.state.servers.get(server);
    if (progress?.done.includes('uncordon') || this.finished.has(server)) {
      update('done before');
      return 'done';
    }
    if (onlyIfOut && !(await this.ctx.executor.facts(server).catch(() => null))?.cordoned) {
      update('in service: it waits for the maintenance window');
      return 'done';
    }
    if (progress?.skipped) {
      update(`skipped before: ${progress.skipped}`);
      return 'done';
    }
    // an interrupt stops servers from starting; one under way finishes, so none is left out of service
    if (this.aborted) return 'interrupted';
    try {
      const result = await this.steps(wave, server, update);
      if (result === 'done') this.finished.add(server);
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

  /** The steps of one server; a step that fails after its started record gets its failed record. */
  private async steps(wave: UpgradeWave, server: string, update: (t: string) => void): Promise<ServerResult> {
    const { executor } = this.ctx;
    const target = this.plan.target;
    const progress = this.state.servers.get(server);
    const done = new Set(progress?.done ?? []);
    let started = progress?.started ?? null;
    const fresh = done.size === 0 && started === null && !progress?.failed;
    for (const step of STEPS) {
      // a drain is repeated until the upgrade is done: it is harmless on a drained server, and a
      // journal saying "drained" is not taken on trust before the server is acted on
      if (done.has(step) && !(step === 'drain' && !done.has('upgrade'))) continue;
      if (this.lost) return 'interrupted';
      try {
        const command = executor.describe(step, server, target);
        const facts = await executor.facts(server);
        // planned with its version unknown, but it runs the target: nothing to do, nothing touched
        if (
          step === 'cordon' &&
          fresh &&
          facts.version === target &&
          facts.installed === target &&
          !facts.cordoned
        ) {
          const reason = `it runs ${target} already (found before its first step)`;
          update(`skipped: ${reason}`);
          await this.log({ kind: 'server-skipped', wave: wave.index, server, reason });
          return 'done';
        }
        const already = this.alreadyDone(step, facts, started?.step === step ? started : null);
        if (already) {
          update(`${step}: already (${already})`);
          // rebooted by a run that died before it saw the server back: wait for it as that run would
          if (step === 'reboot' && !facts.up)
            await this.awaitBoot(server, started?.bootId ?? '', target, update);
          await this.log({
            kind: 'step-done',
            wave: wave.index,
            server,
            step,
            outcome: 'already',
            detail: already,
          });
        } else {
          // the OS steps act only on a server out of service, whatever the journal says was done
          if ((step === 'upgrade' || step === 'reboot') && !facts.cordoned)
            throw new Error(`it is not cordoned; refusing to ${step} a server in service`);
          update(`${step}: ${command}`);
          await this.log({
            kind: 'step-started',
            wave: wave.index,
            server,
            step,
            command,
            ...(step === 'reboot' ? { bootId: facts.bootId } : {}),
          });
          await this.act(step, server, target);
          this.ctx.afterAction?.(step, server);
          if (step === 'reboot') await this.awaitBoot(server, facts.bootId, target, update);
          await this.log({ kind: 'step-done', wave: wave.index, server, step, outcome: 'done' });
        }
        started = null;
      } catch (err) {
        if (journalLost(err)) throw err;
        const error = (err as Error).message.split('\n')[0] as string;
        update(`${step}: failed: ${error}`);
        this.failures++;
        this.failedSet.add(server);
        await this.log({ kind: 'step-failed', wave: wave.index, server, step, error });
        return 'failed';
      }
    }
    update(`upgraded to ${target}`);
    return 'done';
  }

  /** Why the step's effect is already there (nothing to do), or null when it must act. */
  private alreadyDone(
    step: StepName,
    facts: { version: string; installed: string; bootId: string; cordoned: boolean },
    started: { step: StepName; bootId?: string } | null,
  ): string | null {
    const target = this.plan.target;
    switch (step) {
      case 'cordon':
        return facts.cordoned ? 'cordoned' : null;
      case 'drain':
        return null; // draining a drained server is a no-op on the fleet
      case 'upgrade':
        return facts.installed === target ? `${target} is installed` : null;
      case 'reboot':
        if (started?.bootId && facts.bootId !== started.bootId) return 'rebooted (its boot id changed)';
        return facts.version === target ? `runs ${target}` : null;
      case 'uncordon':
        return facts.cordoned ? null : 'not cordoned';
    }
  }

  private act(step: StepName, server: string, target: string): Promise<void> {
    const e = this.ctx.executor;
    switch (step) {
      case 'cordon':
        return e.cordon(server);
      case 'drain':
        return e.drain(server);
      case 'upgrade':
        return e.install(server, target);
      case 'reboot':
        return e.reboot(server);
      case 'uncordon':
        return e.uncordon(server);
    }
  }

  /** Waits until the server is back with a new boot id, running the target. */
  private async awaitBoot(
    server: string,
    before: string,
    target: string,
    update: (t: string) => void,
  ): Promise<void> {
    const until = Date.now() + this.ctx.settings.rebootTimeoutSeconds * 1000;
    update('reboot: waiting for it to come back');
    for (;;) {
      const facts = await this.ctx.executor.facts(server).catch(() => null);
      if (facts?.up && facts.bootId !== before) {
        if (facts.version !== target)
          throw new Error(`came back from its reboot running ${facts.version}, not ${target}`);
        return;
      }
      if (Date.now() > until)
        throw new Error(`did not come back within ${this.ctx.settings.rebootTimeoutSeconds} s of its reboot`);
      await sleep(200);
    }
  }

  /** The gates after a wave: settle, retry the unanswerable, never pass what is not answered. */
  private async gates(wave: UpgradeWave, failedInWave: number, back: number): Promise<RunOutcome | null> {
    const { settings, reporter, model } = this.ctx;
    // servers that failed (tolerated by --max-failures) are not expected back
    const failedServers = new Set(wave.servers.map((s) => s.server).filter((n) => this.failedSet.has(n)));
    const checked: UpgradeWave =
      failedInWave > 0
        ? { ...wave, servers: wave.servers.filter((s) => !failedServers.has(s.server)) }
        : wave;
    return reporter.task({
      title: `gates after wave ${wave.index}`,
      run: async (update) => {
        const settleUntil = Date.now() + settings.gateSettleSeconds * 1000;
        const timeoutAt = Date.now() + settings.gateTimeoutSeconds * 1000;
        let backoff = 1000;
        let lastInconclusive = '';
        for (;;) {
          const outcomes = await evaluateGates(
            settings.prometheus,
            model,
            this.plan,
            checked,
            this.failedSet,
            back,
          );
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
                `gates after wave ${wave.index} stayed inconclusive past --gate-timeout ${settings.gateTimeoutSeconds} s (${unanswered[0]?.gate}: ${unanswered[0]?.reason}); nothing more was upgraded; resume it once Prometheus answers`,
              );
            await sleep(backoff, this.ctx.signal);
            if (this.aborted) return this.pause('interrupted while the gates were inconclusive');
            backoff = Math.min(30_000, backoff * 2);
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
  readonly plan: UpgradePlan;
  readonly approvedBy: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Starts a new run: takes the lock, journals the plan and the approval, executes. */
export async function startUpgrade(ctx: RunContext, start: StartOptions): Promise<RunOutcome> {
  const problem = planProblem(start.plan, ctx.model);
  if (problem) throw new Error(`the plan breaks a safety property: ${problem}`);
  const run = newRunId();
  const { lock } = await ctx.store.acquire({ ...ctx.actor, run });
  let journal: Journal | null = null;
  try {
    journal = await ctx.store.journal(run, { create: true });
    await journal.append({
      kind: 'run-started',
      runbook: 'upgrade',
      by: ctx.actor,
      executor: ctx.executor.name,
      plan: start.plan,
      options: start.options,
    });
    await journal.append({
      kind: 'approval',
      approvedBy: start.approvedBy,
      operator: ctx.actor.user,
      fourEyes: ctx.model.runbooks.fourEyes,
    });
    ctx.reporter.line(
      `run ${run}: ${start.plan.toUpgrade} servers in ${start.plan.waves.length} waves, journal in ${ctx.store.where}`,
    );
    return await new UpgradeRun(ctx, run, start.plan, journal, replay(await journal.read())).execute();
  } catch (err) {
    throw named(err, run);
  } finally {
    await journal?.close();
    await lock.release();
  }
}

/**
 * Why a journaled run may not be resumed, or null: it must have started and been approved, its
 * plan must pass the inventory's safety rules as they are now, and with four eyes its approver
 * must be someone other than whoever started it and whoever resumes it. A journal can be written
 * by hand: nothing in it is obeyed that the inventory does not confirm.
 */
function resumeProblem(ctx: RunContext, run: string, state: RunState): string | null {
  if (!state.started)
    return `run ${run} has no records: it was stopped before its first one and acted on nothing; start a new run`;
  if (!state.approval)
    return `run ${run} has no approval record: it was stopped before it was approved and acted on nothing; start a new run`;
  const read = readPlan(state.started.plan);
  if ('problem' in read)
    return `run ${run}: its journaled plan is not a plan (${read.problem}); it is not resumed`;
  const problem = planProblem(read.plan, ctx.model);
  if (problem)
    return `run ${run}: its journaled plan breaks the inventory's safety rules (${problem}); it is not resumed — plan a new run from the inventory`;
  // another executor would act on another fleet (the simulator for the real one) and journal
  // its steps done: a run goes on only with the executor it was started with
  if (state.started.executor !== ctx.executor.name)
    return `run ${run} was started with executor ${JSON.stringify(state.started.executor)}, not ${ctx.executor.name}: resume it with --executor ${JSON.stringify(state.started.executor)} (another executor acts on another fleet)`;
  if (ctx.model.runbooks.fourEyes) {
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

/**
 * Resumes a run from its journal: its own plan, from the first step not done, with the settings
 * the resume was given (journaled; those that differ from the ones the run last had are said).
 */
export async function resumeUpgrade(
  ctx: RunContext,
  run: string,
  options: Readonly<Record<string, unknown>>,
): Promise<RunOutcome> {
  let journal: Journal | null = await ctx.store.journal(run, { create: false });
  const before = replay(await journal.read());
  await journal.close();
  journal = null;
  const refused = resumeProblem(ctx, run, before);
  if (refused) throw new JournalRefused(refused);
  if (before.finished?.outcome === 'succeeded')
    return { run, status: 'succeeded', reason: `run ${run} had already finished: ${before.finished.reason}` };
  let lock: HeldLock | null = null;
  try {
    const acquired = await ctx.store.acquire({ ...ctx.actor, run }, { takeOverDeadOf: run });
    lock = acquired.lock;
    journal = await ctx.store.journal(run, { create: false });
    // read again under the lock: what a run that held it until now wrote is part of it
    const state = replay(await journal.read());
    const again = resumeProblem(ctx, run, state);
    if (again) throw new JournalRefused(again);
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
    const plan = state.started?.plan as UpgradePlan;
    return await new UpgradeRun(ctx, run, plan, journal, replay(await journal.read())).execute();
  } catch (err) {
    throw named(err, run);
  } finally {
    await journal?.close().catch(() => {});
    await lock?.release();
  }
}
