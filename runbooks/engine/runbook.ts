/**
 * What the engine runs: a runbook bound to its plan — waves of targets, named steps each with the
 * check that tells its effect is there already, the gates between waves. The engine
 * (run-engine.ts) knows nothing else of what a runbook does; the rolling upgrade
 * (runbooks/upgrade/upgrade-runbook.ts) is one.
 */
import { type Runbooks, UserError } from '../../model/index.ts';
import type { GateResult } from './journal-records.ts';

/** A target of a runbook: what its steps act on, by a stable id (journaled) and a title (shown). */
export interface Target {
  readonly id: string;
  readonly title: string;
}

export interface Wave<T extends Target = Target> {
  readonly index: number;
  /** Shown above the wave's targets: `wave 1/9 (critical pools): 12 servers`. */
  readonly title: string;
  readonly targets: readonly T[];
}

/** What a step is handed when it acts. */
export interface StepAct {
  readonly wave: number;
  /** Shows a line on the target's place in the progress display. */
  update(text: string): void;
  /** The memo the step's `remember` journaled at its start (this start's, or a resumed one's). */
  readonly memo?: string;
  /** Aborted on SIGINT/SIGTERM: a step may stop waiting; the engine starts nothing more. */
  readonly signal?: AbortSignal;
  /** Journals a command the step runs (secrets already redacted), before it runs. */
  command(line: string): Promise<void>;
}

/**
 * Thrown by a step that waits for what no run can do (a replacement server racked, a person's
 * word): the run stops, resumable (exit 75), and a resume asks the step's `done` again.
 */
export class StepWaiting extends UserError {
  /** Exit 75: the run stopped, resumable. */
  readonly exitCode = 75;
  constructor(readonly reason: string) {
    super(`waiting: ${reason}`);
  }
}

export interface Step<T extends Target = Target> {
  readonly name: string;
  /** The command line (or request) the step runs, shown and journaled at its start. */
  describe(target: T): string;
  /**
   * Why the step's effect is there already (nothing to do), or null when it must act: read from
   * the target itself before every attempt, a resumed one included, never from the journal.
   * `memo` is what `remember` journaled when this step last started, if it did.
   */
  done(target: T, memo: string | undefined): Promise<string | null>;
  /**
   * Why the step may not act now (the upgrade's OS steps on a server in service), read after
   * `done` and before the step's started record: a refused step has not begun. Null: it may.
   */
  refuse?(target: T): string | null;
  /** Acts; throws to fail the step (its message's first line is journaled). */
  run(target: T, act: StepAct): Promise<void>;
  /** Read before acting and journaled with the start, for `done` on resume (a boot id). */
  remember?(target: T): Promise<string>;
  /**
   * What a run waits for once the step's effect is there, before the next step (a rebooted
   * server coming back): after it `acted`, or when it `found` the effect (made, perhaps, by a run
   * a crash cut short before it waited).
   */
  settle?(target: T, act: StepAct, how: 'acted' | 'found'): Promise<void>;
  /**
   * A step the journal's "done" does not vouch for until this later step is done: it is run again
   * (it must be harmless to repeat), as a drain is until the upgrade is installed.
   */
  readonly repeatUntil?: string;
}

export interface GateOutcome {
  readonly gate: string;
  readonly result: GateResult;
  readonly query: string;
  readonly value: string;
  readonly reason: string;
  /**
   * Inconclusive though Prometheus answered: a reading the gate waits for is not there yet (the
   * next scrape or rule evaluation may bring it), so the engine asks again in a second rather than
   * backing off as it does from a Prometheus that does not answer.
   */
  readonly awaitingReading?: boolean;
}

/** A runbook bound to the plan it runs. */
export interface BoundRunbook<T extends Target = Target> {
  /** The runbook's name (NAME_PATTERN): the run ids start with it. */
  readonly name: string;
  readonly waves: readonly Wave<T>[];
  readonly steps: readonly Step<T>[];
  /** When waves may start (null: at any time). */
  readonly window: Runbooks['upgradeWindow'];
  /** What a finished run says it did: `38 servers planned`. */
  readonly summary: string;
  /** How a target is named in messages, one and many: `server`, `servers`. */
  readonly noun: readonly [string, string];
  /** What the steps do to a target, said of what a stopped run left alone: `upgraded`. */
  readonly done: string;
  /** What a target's line says when its last step is done: `upgraded to 2026.12`. */
  finished(target: T): string;
  /** A target found needing nothing before its first step: why, or null. */
  skip?(target: T): Promise<string | null>;
  /**
   * Whether a target is out of service now: outside the window, a wave under way finishes only
   * these (a journal saying a wave began is not taken on trust).
   */
  outOfService?(target: T): Promise<boolean>;
  /** Why a wave may not start with these targets failed (still out of service), or null. */
  beforeWave?(wave: Wave<T>, failed: ReadonlySet<string>): string | null;
  /**
   * The gates after a wave, the targets that failed in it left out; `since`: when its targets
   * were all back (Unix seconds): readings older than that say nothing of them.
   */
  gates?(wave: Wave<T>, failed: ReadonlySet<string>, since: number): Promise<GateOutcome[]>;
}
