/**
 * Runs written into a runs folder as a run (or a forger who knows the chain) would write them,
 * through the real store: for the tests of resume, status and unlock against what a folder holds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type CityModel, loadCity } from '../../model/index.ts';
import { FileRunStore } from '../../runbooks/engine/file-store.ts';
import type { JournalEvent } from '../../runbooks/engine/journal-records.ts';
import { planUpgrade, type UpgradePlan } from '../../runbooks/upgrade/upgrade-plan.ts';
import { SMALL_CITY } from './city.ts';

export const RUN = 'upgrade-20261201-220000-0a0b';
/**
 * The small city with nothing listening where its Prometheus and simulator would be: a resume
 * that got past its checks would fail on the fleet, never act on one.
 */
export const CLOSED_FLEET = [
  '--inventory',
  SMALL_CITY,
  '--prometheus',
  'http://127.0.0.1:1',
  '--simulator',
  'http://127.0.0.1:1',
];

/** A pid that was alive a moment ago and is not any more. */
export const deadPid = () => spawnSync('true').pid as number;

/**
 * A journal written through the store, as a run (or a forger who knows the chain) would: the
 * lock taken for `holder`, the records appended, the lock left held (as by a run still going, or
 * killed) unless `release`.
 */
export async function writeRun(
  runs: string,
  o: {
    holder?: { user: string; host: string; pid: number };
    plan?: UpgradePlan;
    by?: string;
    approvedBy?: string | null;
    /** The executor and settings the run started with (sim and none by default). */
    executor?: string;
    options?: Readonly<Record<string, unknown>>;
    more?: JournalEvent[];
    release?: boolean;
  } = {},
): Promise<void> {
  const holder = o.holder ?? { user: 'minh', host: hostname(), pid: deadPid() };
  const store = new FileRunStore(runs);
  const { lock } = await store.acquire({ ...holder, run: RUN });
  const j = await store.journal(RUN, { create: true });
  await j.append({
    kind: 'run-started',
    runbook: 'upgrade',
    by: { ...holder, user: o.by ?? holder.user },
    executor: o.executor ?? 'sim',
    plan: o.plan ?? smallPlan,
    options: o.options ?? {},
  });
  if (o.approvedBy !== null)
    await j.append({
      kind: 'approval',
      approvedBy: o.approvedBy ?? 'lan',
      operator: holder.user,
      fourEyes: false,
    });
  for (const e of o.more ?? []) await j.append(e);
  await j.close();
  if (o.release) await lock.release();
  await store.close();
}

export const small = loadCity(SMALL_CITY).model as CityModel;
export const smallPlan = planUpgrade(small, { versions: new Map() }, '2026.12');
export const journalOf = (runs: string) =>
  readFileSync(join(runs, RUN, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
