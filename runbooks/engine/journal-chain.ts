/**
 * The journal's chain: every record carries `digest`, the SHA-256 of itself (without that field)
 * in canonical JSON, and `prev`, the digest of the record before it (the first record: of the
 * run's id), so a record edited — the last one too —, inserted, removed or moved from another run
 * is found at its place. Each record is also checked for the shape
 * its kind has, so a hand-written one is refused before anything folds or obeys it.
 *
 * The chain tells where a journal was changed; it is not a signature. Whoever can write a whole
 * new journal can compute its chain too, so nothing a journal says is obeyed unless the inventory
 * confirms it as well (the plan is checked again against the inventory's safety rules at every
 * resume: runbooks/upgrade/upgrade-plan.ts `planProblem`), and the PostgreSQL store also keeps the
 * runbooks' role to INSERT and SELECT (docs/runbooks.md).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../view/canonical-json.ts';
import { type JournalRecord, NAME_PATTERN } from './journal-records.ts';
import { JournalRefused } from './run-store.ts';

export const JOURNAL_FORMAT = 'citycloud-journal/v1';

/** Where the chain ends: the digest of the last record (or of the run's id) and its seq. */
export interface ChainHead {
  readonly seq: number;
  readonly digest: string;
}

/** The digest the first record of a run points at. */
export const chainStart = (run: string): ChainHead => ({
  seq: 0,
  digest: createHash('sha256').update(`${JOURNAL_FORMAT}\0${run}`).digest('hex'),
});

/** The digest of a record (all of it but its own `digest` field), which the next one names. */
export const recordDigest = (record: Omit<JournalRecord, 'digest'> & { digest?: string }): string => {
  const { digest: _, ...rest } = record;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
};

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const text: Check = (v) => typeof v === 'string' && v.length > 0;
const whole: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const bool: Check = (v) => typeof v === 'boolean';
const obj: Check = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const actor: Check = (v) =>
  obj(v) &&
  text((v as Record<string, unknown>).user) &&
  str((v as Record<string, unknown>).host) &&
  whole((v as Record<string, unknown>).pid);
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const name: Check = (v) => typeof v === 'string' && NAME_PATTERN.test(v);
const digestHex: Check = (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/** The fields each kind of record has, and what each holds. */
const SHAPES: Readonly<Record<JournalRecord['kind'], Readonly<Record<string, Check>>>> = {
  'run-started': {
    runbook: name,
    source: optional(digestHex),
    by: actor,
    executor: text,
    fleet: optional(str),
    plan: obj,
    options: obj,
  },
  approval: { approvedBy: text, operator: text, fourEyes: bool },
  resumed: { by: actor, tookOverLockOf: optional(actor), options: optional(obj) },
  'wave-started': { wave: whole },
  'step-started': { wave: whole, target: text, step: name, command: str, memo: optional(str) },
  command: { wave: whole, target: text, step: name, command: str },
  'step-done': {
    wave: whole,
    target: text,
    step: name,
    outcome: oneOf('done', 'already'),
    detail: optional(str),
  },
  'step-failed': { wave: whole, target: text, step: name, error: str },
  'step-waiting': { wave: whole, target: text, step: name, reason: str },
  'target-skipped': { wave: whole, target: text, reason: str },
  gate: {
    wave: whole,
    gate: text,
    result: oneOf('passed', 'failed', 'inconclusive'),
    query: str,
    value: str,
    reason: str,
  },
  'wave-done': { wave: whole, seconds: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 },
  paused: { reason: str },
  'run-finished': { outcome: oneOf('succeeded', 'failed'), reason: str },
  unlocked: { by: actor, reason: text, lock: obj, forced: optional(bool) },
};

/** What is wrong with a record at its place in the chain, or null. */
export function recordProblem(value: unknown, expected: ChainHead): string | null {
  if (!obj(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (r.seq !== expected.seq + 1)
    return `its seq is ${JSON.stringify(r.seq)}, expected ${expected.seq + 1} (a record was removed, inserted or moved)`;
  if (!str(r.at) || !Number.isFinite(Date.parse(r.at as string))) return 'its time ("at") is not a time';
  if (r.digest !== recordDigest(r as unknown as JournalRecord))
    return r.digest === undefined
      ? 'it has no "digest" (written by hand, or by a citycloud without journal chains)'
      : 'its "digest" is not its own: the record was changed after it was written';
  if (r.prev !== expected.digest)
    return r.prev === undefined
      ? 'it has no "prev" digest (written by hand, or by a citycloud without journal chains)'
      : 'its "prev" is not the digest of the record before it (that record, or this one, was changed, inserted or removed)';
  const shape = SHAPES[r.kind as JournalRecord['kind']];
  if (!Object.hasOwn(SHAPES, r.kind as string) || !shape)
    return `its kind ${JSON.stringify(r.kind)} is not a journal record's`;
  for (const [field, check] of Object.entries(shape))
    if (!check(r[field]))
      return `a ${r.kind} record whose "${field}" is ${JSON.stringify(r[field]) ?? 'missing'}`;
  return null;
}

/**
 * Checks a run's records in order: shape, seq and chain. Returns the chain's head, or throws
 * JournalRefused naming the first record that is wrong (`place(i)` says where record i is).
 * A run's first record starts it and its second is the approval.
 */
export function checkChain(
  records: readonly unknown[],
  run: string,
  place: (i: number) => string,
): ChainHead {
  let head = chainStart(run);
  for (let i = 0; i < records.length; i++) {
    const problem = recordProblem(records[i], head);
    if (problem) throw new JournalRefused(`${place(i)}: ${problem}`);
    const r = records[i] as JournalRecord;
    if (i === 0 && r.kind !== 'run-started')
      throw new JournalRefused(`${place(i)}: a run's first record is its run-started, not ${r.kind}`);
    if (i > 0 && r.kind === 'run-started')
      throw new JournalRefused(`${place(i)}: a second run-started record in one run`);
    if (i === 1 && r.kind !== 'approval')
      throw new JournalRefused(`${place(i)}: a run's second record is its approval, not ${r.kind}`);
    if (i > 1 && r.kind === 'approval')
      throw new JournalRefused(`${place(i)}: a second approval record in one run (a run is approved once)`);
    head = { seq: r.seq, digest: r.digest };
  }
  return head;
}
