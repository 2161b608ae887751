/**
 * What a runbook's journal holds: one record per event, appended, never changed. A run's state is
 * the fold of its records (replay), so `status` and `resume` read it the same way. The records
 * know runbooks, waves, targets and named steps, not what any runbook does.
 */

/**
 * What a runbook's or a step's name may be: it names run ids and files, is journaled, shown on
 * terminals and matched on resume (lowercase letters, digits and hyphens, at most 48).
 */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,47}$/;

export type GateResult = 'passed' | 'failed' | 'inconclusive';

/** Who ran a command, from where. */
export interface Actor {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
}

/**
 * Whether two names are one person, however typed: `Alice`, ` alice` and `ＡＬＩＣＥ` are the same
 * identity (Unicode compatibility form, case-folded, trimmed). Four-eyes compares identities.
 */
export const sameIdentity = (a: string, b: string): boolean => {
  // invisible characters (zero-width, soft hyphen, bidi marks) make no other person
  const key = (s: string) =>
    s
      .normalize('NFKC')
      .replace(/[\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}]/gu, '')
      .trim()
      .toLowerCase();
  return key(a) === key(b);
};

export type JournalEvent =
  | {
      readonly kind: 'run-started';
      readonly runbook: string;
      /**
       * The SHA-256 of a runbook's source file, for one loaded from a file (a resume runs the
       * same code or none); absent for a runbook built into citycloud.
       */
      readonly source?: string;
      readonly by: Actor;
      readonly executor: string;
      /** Which fleet the executor acts on (the simulator's URL, the kube context): a resume acts on the same. */
      readonly fleet?: string;
      /** The plan as it was approved: resume follows it, never a recomputed one. */
      readonly plan: unknown;
      /** The settings the run acts with (the executor, the gates' Prometheus, the limits). */
      readonly options: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'approval';
      readonly approvedBy: string;
      readonly operator: string;
      readonly fourEyes: boolean;
    }
  | {
      readonly kind: 'resumed';
      readonly by: Actor;
      readonly tookOverLockOf?: Actor;
      /** The settings the run acts with from here on (those the resume was given). */
      readonly options?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'wave-started'; readonly wave: number }
  | {
      readonly kind: 'step-started';
      readonly wave: number;
      readonly target: string;
      readonly step: string;
      /** What the step runs, as shown to the operator (secrets redacted). */
      readonly command: string;
      /**
       * What the step read before acting, for its `done` check on resume (the upgrade's reboot:
       * the boot id before it, so a resume knows whether it happened).
       */
      readonly memo?: string;
    }
  | {
      /** A command a step runs, journaled before it runs (secrets redacted). */
      readonly kind: 'command';
      readonly wave: number;
      readonly target: string;
      readonly step: string;
      readonly command: string;
    }
  | {
      readonly kind: 'step-done';
      readonly wave: number;
      readonly target: string;
      readonly step: string;
      /** done: the step acted; already: its effect was there, nothing was done. */
      readonly outcome: 'done' | 'already';
      readonly detail?: string;
    }
  | {
      readonly kind: 'step-failed';
      readonly wave: number;
      readonly target: string;
      readonly step: string;
      readonly error: string;
    }
  | {
      /**
       * The step is waiting for what no run can do (a replacement server racked): the run stops,
       * resumable, and a resume asks the step's `done` again.
       */
      readonly kind: 'step-waiting';
      readonly wave: number;
      readonly target: string;
      readonly step: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'target-skipped';
      readonly wave: number;
      readonly target: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'gate';
      readonly wave: number;
      readonly gate: string;
      readonly result: GateResult;
      readonly query: string;
      readonly value: string;
      readonly reason: string;
    }
  | { readonly kind: 'wave-done'; readonly wave: number; readonly seconds: number }
  | { readonly kind: 'paused'; readonly reason: string }
  | {
      readonly kind: 'run-finished';
      readonly outcome: 'succeeded' | 'failed';
      readonly reason: string;
    }
  | {
      readonly kind: 'unlocked';
      readonly by: Actor;
      readonly reason: string;
      readonly lock: unknown;
      /** The holder was alive (its pid here, or a fresh heartbeat): broken with --force. */
      readonly forced?: boolean;
    };

/**
 * A record as stored: its place in the journal, when it was written, the digest of the record
 * before it and its own (runbooks/engine/journal-chain.ts).
 */
export type JournalRecord = JournalEvent & {
  readonly seq: number;
  readonly at: string;
  readonly prev: string;
  /** The SHA-256 of the record without this field: the next record's `prev`. */
  readonly digest: string;
};

export interface TargetProgress {
  /** Steps done (or found already done), in order. */
  readonly done: string[];
  /** A step started and not yet done or failed: resume checks it before repeating it. */
  started: { step: string; memo?: string } | null;
  failed: { step: string; error: string } | null;
  /** The step started and waiting for what no run can do, and why (cleared when it goes on). */
  waiting: { step: string; reason: string } | null;
  skipped: string | null;
  /**
   * Steps this run started (so acted on, or may have before a crash): a step found "already"
   * done after its own start was done by this run.
   */
  readonly begun: Record<string, number>;
}

export interface RunState {
  readonly started: Extract<JournalEvent, { kind: 'run-started' }> | null;
  readonly approval: Extract<JournalEvent, { kind: 'approval' }> | null;
  readonly targets: ReadonlyMap<string, TargetProgress>;
  /** Waves whose gates passed, with when they started and ended. */
  readonly wavesPassed: ReadonlySet<number>;
  readonly waveTimes: ReadonlyMap<number, { started: string; done?: string; seconds?: number }>;
  readonly lastGate: Extract<JournalEvent, { kind: 'gate' }> | null;
  readonly finished: Extract<JournalEvent, { kind: 'run-finished' }> | null;
  readonly paused: string | null;
  /** The settings the run acts with: its start's, or those of its last resume. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly records: number;
}

/** Folds a journal into the run's state. */
export function replay(records: readonly JournalRecord[]): RunState {
  let started: RunState['started'] = null;
  let approval: RunState['approval'] = null;
  let lastGate: RunState['lastGate'] = null;
  let finished: RunState['finished'] = null;
  let paused: string | null = null;
  let options: RunState['options'] = {};
  const targets = new Map<string, TargetProgress>();
  const passed = new Set<number>();
  const times = new Map<number, { started: string; done?: string; seconds?: number }>();
  const progress = (target: string) => {
    let p = targets.get(target);
    if (!p) {
      // no prototype: a step named like an Object property is a step, not a property
      p = {
        done: [],
        started: null,
        failed: null,
        waiting: null,
        skipped: null,
        begun: Object.create(null),
      };
      targets.set(target, p);
    }
    return p;
  };
  for (const r of records) {
    switch (r.kind) {
      case 'run-started':
        started = r;
        options = r.options;
        break;
      case 'approval':
        approval = r;
        break;
      case 'resumed':
        paused = null;
        finished = null;
        if (r.options) options = r.options;
        break;
      case 'wave-started':
        if (!times.has(r.wave)) times.set(r.wave, { started: r.at });
        break;
      case 'step-started': {
        const p = progress(r.target);
        p.started = { step: r.step, ...(r.memo === undefined ? {} : { memo: r.memo }) };
        p.begun[r.step] = (p.begun[r.step] ?? 0) + 1;
        p.failed = null;
        p.waiting = null;
        break;
      }
      case 'step-done': {
        const p = progress(r.target);
        if (!p.done.includes(r.step)) p.done.push(r.step);
        p.started = null;
        p.waiting = null;
        break;
      }
      case 'step-failed': {
        const p = progress(r.target);
        p.failed = { step: r.step, error: r.error };
        p.started = null;
        p.waiting = null;
        break;
      }
      case 'step-waiting':
        // still started: a resume gives its `done` the memo journaled with its start
        progress(r.target).waiting = { step: r.step, reason: r.reason };
        break;
      case 'target-skipped':
        progress(r.target).skipped = r.reason;
        break;
      case 'command':
        break;
      case 'gate':
        lastGate = r;
        break;
      case 'wave-done': {
        passed.add(r.wave);
        const t = times.get(r.wave);
        times.set(r.wave, { started: t?.started ?? r.at, done: r.at, seconds: r.seconds });
        break;
      }
      case 'paused':
        paused = r.reason;
        break;
      case 'run-finished':
        finished = r;
        break;
      case 'unlocked':
        break;
    }
  }
  return {
    started,
    approval,
    targets,
    wavesPassed: passed,
    waveTimes: times,
    lastGate,
    finished,
    paused,
    options,
    records: records.length,
  };
}
