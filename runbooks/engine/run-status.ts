/**
 * The status of a run of a runbook written with the authoring API, from its journal alone: per
 * wave, the targets done (or skipped), failed, waiting and left; the step each failed or waiting one
 * is at, and why.
 */
import type { RunState } from './journal-records.ts';
import type { SpecPlan } from './spec-runbook.ts';

export interface SpecRunStatus {
  readonly run: string;
  readonly runbook: string;
  readonly state: 'running or stopped' | 'paused' | 'failed' | 'succeeded';
  readonly reason: string | null;
  readonly startedBy: string;
  readonly approvedBy: string | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly totals: {
    readonly planned: number;
    readonly done: number;
    readonly failed: number;
    readonly waiting: number;
    readonly remaining: number;
  };
  readonly failures: readonly { readonly target: string; readonly step: string; readonly error: string }[];
  /** Targets whose step waits for what no run can do (a replacement racked), and why. */
  readonly waiting: readonly { readonly target: string; readonly step: string; readonly reason: string }[];
  readonly waves: readonly {
    readonly wave: number;
    readonly targets: number;
    readonly done: number;
    readonly failed: number;
  }[];
}

export function specRunStatus(run: string, state: RunState, lastStep: string | null): SpecRunStatus {
  const started = state.started as NonNullable<RunState['started']>;
  const plan = started.plan as SpecPlan;
  const failures: { target: string; step: string; error: string }[] = [];
  const waiting: { target: string; step: string; reason: string }[] = [];
  let planned = 0;
  let done = 0;
  let failed = 0;
  const waves = plan.waves.map((targets, wave) => {
    let d = 0;
    let f = 0;
    for (const t of targets) {
      const p = state.targets.get(t.id);
      // the last step is the runbook's; without the runbook at hand, a target with no step left
      // started or failed after its last record counts as done only when the run succeeded
      const finished =
        p?.skipped ||
        (lastStep === null ? state.finished?.outcome === 'succeeded' : p?.done.includes(lastStep));
      if (finished) d++;
      else if (p?.failed) {
        f++;
        failures.push({ target: t.id, step: p.failed.step, error: p.failed.error });
      } else if (p?.waiting) waiting.push({ target: t.id, ...p.waiting });
    }
    planned += targets.length;
    done += d;
    failed += f;
    return { wave, targets: targets.length, done: d, failed: f };
  });
  return {
    run,
    runbook: started.runbook,
    state: state.finished ? state.finished.outcome : state.paused !== null ? 'paused' : 'running or stopped',
    reason: state.finished?.reason ?? state.paused,
    startedBy: started.by.user,
    approvedBy: state.approval?.approvedBy ?? null,
    params: plan.params,
    totals: { planned, done, failed, waiting: waiting.length, remaining: planned - done - failed },
    failures,
    waiting,
    waves,
  };
}

export function formatSpecStatus(s: SpecRunStatus): string {
  const lines = [
    `run ${s.run} of runbook ${s.runbook}: ${s.state}${s.reason ? ` (${s.reason})` : ''}`,
    `  started by ${s.startedBy}, approved by ${s.approvedBy ?? '(no approval record)'}; params ${JSON.stringify(s.params)}`,
    `  ${s.totals.done}/${s.totals.planned} done, ${s.totals.failed} failed, ${s.totals.remaining} remaining${s.totals.waiting ? ` (${s.totals.waiting} waiting)` : ''}`,
    ...s.waves.map(
      (w) => `  wave ${w.wave}: ${w.done}/${w.targets} done${w.failed ? `, ${w.failed} failed` : ''}`,
    ),
    ...s.failures.slice(0, 10).map((f) => `  ✗ ${f.target}: ${f.step}: ${f.error}`),
    ...s.waiting.slice(0, 10).map((w) => `  ⧗ ${w.target}: ${w.step}: waiting: ${w.reason}`),
  ];
  return lines.join('\n');
}

/** A run's last step, as its run-started record lists the runbook's steps (the one its targets finish with). */
export function lastStepOf(state: RunState): string | null {
  const steps = state.started?.options.steps;
  return Array.isArray(steps) && typeof steps.at(-1) === 'string' ? (steps.at(-1) as string) : null;
}
