/** `citycloud runbook status [RUN]`: a run's progress from its journal, and the lock. */
import { replay } from '../../../runbooks/engine/journal-records.ts';
import {
  formatSpecStatus,
  lastStepOf,
  type SpecRunStatus,
  specRunStatus,
} from '../../../runbooks/engine/run-status.ts';
import { JournalRefused, RunNotFound, type RunStore } from '../../../runbooks/engine/run-store.ts';
import { readSpecPlan } from '../../../runbooks/engine/spec-runbook.ts';
import { readPlan } from '../../../runbooks/upgrade/upgrade-plan.ts';
import { UPGRADE_RUNBOOK } from '../../../runbooks/upgrade/upgrade-runbook.ts';
import { formatStatus, type UpgradeStatus, upgradeStatus } from '../../../runbooks/upgrade/upgrade-status.ts';
import { inertJson } from '../../../view/terminal.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import {
  describeLock,
  RunbookUsageError,
  type StoreOptions,
  show,
  withoutToken,
  withStore,
  withStoreOptions,
} from './run-store.ts';

/** A run's status from its journal (its plan read as a plan), or null when it has no records. */
export async function statusOf(store: RunStore, run: string): Promise<UpgradeStatus | null> {
  const shown = await shownStatusOf(store, run);
  if (shown && !('format' in shown))
    throw new JournalRefused(`run ${run} is a run of runbook ${shown.runbook}, not of the upgrade`);
  return shown;
}

/** A run's status, whichever runbook it is of, or null when it has no records. */
async function shownStatusOf(store: RunStore, run: string): Promise<UpgradeStatus | SpecRunStatus | null> {
  const journal = await store.journal(run, { create: false });
  try {
    const state = replay(await journal.read());
    if (!state.started) return null;
    if (state.started.runbook !== UPGRADE_RUNBOOK) {
      const read = readSpecPlan(state.started.plan);
      if ('problem' in read)
        throw new JournalRefused(`run ${run}: its journaled plan is not a runbook's plan (${read.problem})`);
      return specRunStatus(run, state, lastStepOf(state));
    }
    const read = readPlan(state.started.plan);
    if ('problem' in read)
      throw new JournalRefused(`run ${run}: its journaled plan is not a plan (${read.problem})`);
    return upgradeStatus(run, state);
  } finally {
    await journal.close();
  }
}

export const noRecords = (run: string): string =>
  `run ${run} has no records: it was stopped as it started, before its first record, and acted on nothing`;

export async function runStatus(
  run: string | undefined,
  opts: StoreOptions & { json?: boolean },
): Promise<number> {
  return withStore(opts, async (store) => {
    let id = run;
    let status: UpgradeStatus | SpecRunStatus | null = null;
    if (id) status = await shownStatusOf(store, id);
    // the latest run with records: one killed before its first, or unreadable, is said and skipped
    else
      for (const r of (await store.runs()).reverse()) {
        id = r;
        try {
          status = await shownStatusOf(store, r);
        } catch (err) {
          if (!(err instanceof JournalRefused || err instanceof RunNotFound)) throw err;
          if (!opts.json) show(`run ${r} cannot be read (${err.message}); skipped`);
          continue;
        }
        if (status) break;
        if (!opts.json) show(`${noRecords(r)}; skipped`);
      }
    if (!id) throw new RunbookUsageError(`no runbook has run yet (${store.where})`);
    const lock = await store.currentLock();
    const liveness = lock ? await store.liveness(lock) : null;
    if (opts.json)
      console.log(
        inertJson(
          JSON.stringify(
            { ...(status ?? { run: id, state: 'no records' }), lock: lock && withoutToken(lock), liveness },
            null,
            2,
          ),
        ),
      );
    else {
      show(status ? ('format' in status ? formatStatus(status) : formatSpecStatus(status)) : noRecords(id));
      if (lock) show(`  lock: ${await describeLock(store, lock)}`);
    }
    return EXIT.ok;
  });
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withStoreOptions(
      runbook
        .command('status')
        .description(
          'a run’s progress from its journal: done, failed, remaining, per wave (default: the latest run)',
        )
        .argument('[run]'),
    )
      .option('--json', 'print it as JSON')
      .action(async (run: string | undefined, opts: StoreOptions & { json?: boolean }) => {
        process.exitCode = await runStatus(run, opts);
      }),
};
