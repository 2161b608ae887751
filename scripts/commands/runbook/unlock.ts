/** `citycloud runbook unlock --reason TEXT`: break a dead or stale run's lock, journaling who and why. */
import { newRunId } from '../../../runbooks/engine/run-engine.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { actor } from './people.ts';
import {
  describeLock,
  RunbookUsageError,
  type StoreOptions,
  show,
  withoutToken,
  withStore,
  withStoreOptions,
} from './run-store.ts';

export interface UnlockOptions extends StoreOptions {
  readonly reason?: string;
  readonly operator?: string;
  readonly force?: boolean;
}

export async function runUnlock(opts: UnlockOptions): Promise<number> {
  const reason = opts.reason?.trim();
  if (!reason)
    throw new RunbookUsageError('unlock needs --reason TEXT: it is journaled with who broke the lock');
  const who = actor(opts.operator);
  return withStore(opts, async (store) => {
    const lock = await store.currentLock();
    if (!lock) {
      console.log(`no runbook lock is held (${store.where})`);
      return EXIT.ok;
    }
    const live = await store.liveness(lock);
    if (live.state === 'alive' && !opts.force)
      throw new RunbookUsageError(
        `the lock's holder is alive: ${await describeLock(store, lock)}; breaking it would let a second run act beside it. Wait for it, or stop it; if you are sure it is stuck, break the lock with --force (journaled)`,
      );
    // the run's journal is checked before anything is broken: a journal refused stops the unlock
    const journaled = !lock.unreadable && (await store.runs()).includes(lock.run);
    if (journaled) await (await store.journal(lock.run, { create: false })).close();
    // the unlock takes the lock itself, so its record is written by the journal's only writer
    const taken = await store.breakLock(
      { ...who, run: lock.unreadable ? newRunId('unlock') : lock.run },
      lock,
    );
    if (!taken) {
      console.log(`no runbook lock is held any more (${store.where})`);
      return EXIT.ok;
    }
    try {
      if (journaled) {
        const journal = await store.journal(lock.run, { create: false });
        try {
          await journal.append({
            kind: 'unlocked',
            by: who,
            reason,
            lock: withoutToken(taken.broken),
            ...(live.state === 'alive' ? { forced: true } : {}),
          });
        } finally {
          await journal.close();
        }
      }
    } finally {
      await taken.lock.release();
    }
    const forced = live.state === 'alive' ? ', --force' : '';
    show(
      lock.unreadable
        ? `✓ broke a lock that could not be read (${lock.unreadable}); not journaled: it names no run`
        : `✓ broke the lock of run ${lock.run} (${lock.user}@${lock.host} pid ${lock.pid}, ${live.state}${forced}); ${journaled ? `journaled: ${who.user} — ${reason}` : `not journaled: run ${lock.run} has no journal in ${store.where}`}. Continue that run with: citycloud runbook resume ${lock.run}${store.storeArgs}`,
    );
    return EXIT.ok;
  });
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withStoreOptions(
      runbook
        .command('unlock')
        .description(
          'break the lock of a run that is dead or stale (of one alive only with --force), journaling who and why',
        ),
    )
      .option('--reason <text>', 'why (journaled)')
      .option('--operator <name>', 'who breaks it (default: your user name)')
      .option(
        '--force',
        'break it although its holder looks alive (its pid runs here, or its heartbeat is fresh); journaled as forced',
      )
      .action(async (opts: UnlockOptions) => {
        process.exitCode = await runUnlock(opts);
      }),
};
