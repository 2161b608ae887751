/**
 * A run's status and summary, from its journal alone: per wave what is done, failed and left,
 * and how long each took; for the run, what was upgraded, found already done, failed, skipped.
 */
import type { RunState } from '../engine/journal-records.ts';
import type { UpgradePlan } from './upgrade-plan.ts';

export const UPGRADE_STATUS_FORMAT = 'citycloud-upgrade-status/v1';

export interface WaveStatus {
  readonly wave: number;
  readonly kind: 'canary' | 'rolling';
  readonly servers: number;
  readonly done: number;
  readonly failed: number;
  readonly remaining: number;
  readonly gatesPassed: boolean;
  readonly seconds: number | null;
}

export interface UpgradeStatus {
  readonly format: typeof UPGRADE_STATUS_FORMAT;
  readonly run: string;
  readonly target: string;
  readonly state: 'running or stopped' | 'paused' | 'failed' | 'succeeded';
  readonly reason: string | null;
  readonly startedBy: string;
  readonly approvedBy: string | null;
  /** The settings the run acts with (its start's, or its last resume's), as journaled. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly totals: {
    readonly planned: number;
    /** Servers whose upgrade this run started (and found done, after a crash or not). */
    readonly upgraded: number;
    /** Servers done whose upgrade found the target already installed. */
    readonly alreadyUpgraded: number;
    readonly failed: number;
    readonly skipped: number;
    readonly remaining: number;
  };
  readonly failures: readonly { readonly server: string; readonly step: string; readonly error: string }[];
  readonly lastGate: {
    readonly wave: number;
    readonly gate: string;
    readonly result: string;
    readonly reason: string;
  } | null;
  readonly waves: readonly WaveStatus[];
}

export function upgradeStatus(run: string, state: RunState): UpgradeStatus {
  const plan = state.started?.plan as UpgradePlan;
  let upgraded = 0;
  let already = 0;
  let failed = 0;
  let skipped = 0;
  let remaining = 0;
  const failures: { server: string; step: string; error: string }[] = [];
  const waves: WaveStatus[] = plan.waves.map((w) => {
    let done = 0;
    let wFailed = 0;
    for (const s of w.servers) {
      const p = state.targets.get(s.server);
      if (p?.skipped) skipped++;
      if (p?.done.includes('uncordon')) {
        done++;
        if (p.begun.upgrade) upgraded++;
        else already++;
      } else if (p?.failed) {
        wFailed++;
        failures.push({ server: s.server, step: p.failed.step, error: p.failed.error });
      }
    }
    failed += wFailed;
    remaining += w.servers.length - done - wFailed;
    const t = state.waveTimes.get(w.index);
    return {
      wave: w.index,
      kind: w.kind,
      servers: w.servers.length,
      done,
      failed: wFailed,
      remaining: w.servers.length - done - wFailed,
      gatesPassed: state.wavesPassed.has(w.index),
      seconds: t?.seconds ?? null,
    };
  });
  const by = state.started?.by;
  return {
    format: UPGRADE_STATUS_FORMAT,
    run,
    target: plan.target,
    state: state.finished ? state.finished.outcome : state.paused ? 'paused' : 'running or stopped',
    reason: state.finished?.reason ?? state.paused ?? null,
    startedBy: by ? `${by.user}@${by.host}` : '?',
    approvedBy: state.approval?.approvedBy ?? null,
    settings: state.options,
    totals: { planned: plan.toUpgrade, upgraded, alreadyUpgraded: already, failed, skipped, remaining },
    failures,
    lastGate: state.lastGate
      ? {
          wave: state.lastGate.wave,
          gate: state.lastGate.gate,
          result: state.lastGate.result,
          reason: state.lastGate.reason,
        }
      : null,
    waves,
  };
}

/**
 * A journaled setting's name or value as one word of a line: as it is when it is a plain word or
 * URL, JSON-quoted otherwise (a line break or a `·` in a hand-edited journal cannot make a line of
 * its own, nor pass for another setting).
 */
const word = (text: string): string => (/^[\w.:/@%+=,-]{1,200}$/.test(text) ? text : JSON.stringify(text));

/** The status as a few lines and a table of the waves. */
export function formatStatus(s: UpgradeStatus): string {
  const t = s.totals;
  const lines = [
    `run ${s.run}: upgrade to ${s.target}, ${s.state}${s.reason ? ` — ${s.reason}` : ''}`,
    `  started by ${s.startedBy}, approved by ${s.approvedBy ?? '(none)'}`,
    `  settings: ${
      Object.entries(s.settings)
        .map(([k, v]) => `${word(k)} ${typeof v === 'string' ? word(v) : JSON.stringify(v)}`)
        .join(' · ') || '(none journaled)'
    }`,
    `  ${t.upgraded} upgraded · ${t.alreadyUpgraded} already at ${s.target} · ${t.failed} failed · ${t.skipped} skipped · ${t.remaining} remaining of ${t.planned}`,
  ];
  if (s.lastGate)
    lines.push(
      `  last gate: wave ${s.lastGate.wave} ${s.lastGate.gate} ${s.lastGate.result}: ${s.lastGate.reason}`,
    );
  for (const f of s.failures.slice(0, 20)) lines.push(`  ✗ ${f.server} ${f.step}: ${f.error}`);
  lines.push('', '  wave  kind     servers  done  failed  left  gates   seconds');
  for (const w of s.waves)
    lines.push(
      `  ${String(w.wave).padStart(4)}  ${w.kind.padEnd(7)}  ${String(w.servers).padStart(7)}  ${String(w.done).padStart(4)}  ${String(w.failed).padStart(6)}  ${String(w.remaining).padStart(4)}  ${(w.gatesPassed ? 'passed' : '-').padEnd(6)}  ${w.seconds === null ? '-' : w.seconds.toFixed(1)}`,
    );
  return lines.join('\n');
}
