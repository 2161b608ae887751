/**
 * What a runbook's journal holds: one record per event, appended, never changed. A run's state is
 * the fold of its records (replay), so `status` and `resume` read it the same way.
 */
export type StepName = 'cordon' | 'drain' | 'upgrade' | 'reboot' | 'uncordon';
export const STEPS: readonly StepName[] = ['cordon', 'drain', 'upgrade', 'reboot', 'uncordon'];

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
      readonly runbook: 'upgrade';
      readonly by: Actor;
      readonly executor: string;
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
      readonly server: string;
      readonly step: StepName;
      readonly command: string;
      /** For a reboot: the boot id before it, so a resume knows whether it happened. */
      readonly bootId?: string;
    }
  | {
      readonly kind: 'step-done';
      readonly wave: number;
      readonly server: string;
      readonly step: StepName;
      /** done: the step acted; already: its effect was there, nothing was done. */
      readonly outcome: 'done' | 'already';
      readonly detail?: string;
    }
  | {
      readonly kind: 'step-failed';
      readonly wave: number;
      readonly server: string;
      readonly step: StepName;
      readonly error: string;
    }
  | {
      readonly kind: 'server-skipped';
      readonly wave: number;
      readonly server: string;
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

export interface ServerProgress {
  /** Steps done (or found already done), in order. */
  readonly done: StepName[];
  /** A step started and not yet done or failed: resume checks it before repeating it. */
  started: { step: StepName; bootId?: string } | null;
  failed: { step: StepName; error: string } | null;
  skipped: string | null;
  /**
   * Steps this run started (so acted on, or may have before a crash): a step found "already"
   * done after its own start was done by this run.
   */
  readonly begun: Partial<Record<StepName, number>>;
}

export interface RunState {
  readonly started: Extract<JournalEvent, { kind: 'run-started' }> | null;
  readonly approval: Extract<JournalEvent, { kind: 'approval' }> | null;
  readonly servers: ReadonlyMap<string, ServerProgress>;
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
  const servers = new Map<string, ServerProgress>();
  const passed = new Set<number>();
  const times = new Map<number, { started: string; done?: string; seconds?: number }>();
  const progress = (server: string) => {
    let p = servers.get(server);
    if (!p) {
      p = { done: [], started: null, failed: null, skipped: null, begun: {} };
      servers.set(server, p);
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
        const p = progress(r.server);
        p.started = { step: r.step, ...(r.bootId === undefined ? {} : { bootId: r.bootId }) };
        p.begun[r.step] = (p.begun[r.step] ?? 0) + 1;
        p.failed = null;
        break;
      }
      case 'step-done': {
        const p = progress(r.server);
        if (!p.done.includes(r.step)) p.done.push(r.step);
        p.started = null;
        break;
      }
      case 'step-failed': {
        const p = progress(r.server);
        p.failed = { step: r.step, error: r.error };
        p.started = null;
        break;
      }
      case 'server-skipped':
        progress(r.server).skipped = r.reason;
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
    servers,
    wavesPassed: passed,
    waveTimes: times,
    lastGate,
    finished,
    paused,
    options,
    records: records.length,
  };
}
