/**
 * Where the runbook commands keep their lock and journals: the store the inventory implies or the
 * one asked for (--state, --runs-dir, --state-url), and the inventory it is read from.
 */
import { type Command, Option } from 'commander';
import { shellArg } from '../../../exec/shell-quote.ts';
import { type CityModel, hasErrors, loadCity, UserError } from '../../../model/index.ts';
import { FileRunStore } from '../../../runbooks/engine/file-store.ts';
import { hasPassword, isPostgresUrl, PgRunStore } from '../../../runbooks/engine/pg-store.ts';
import type { LockInfo, RunStore } from '../../../runbooks/engine/run-store.ts';
import { inert } from '../../../view/terminal.ts';
import { BUILTIN_INVENTORY, defaultRunsDir } from '../../cli/defaults.ts';
import { withInventory } from '../../cli/options.ts';
import { printFindings } from '../../cli/report.ts';

/** Bad usage of a runbook command: one line, exit 2. */
export class RunbookUsageError extends UserError {
  /** Exit 2: bad usage. */
  readonly exitCode = 2;
}

export interface StoreOptions {
  readonly inventory: string;
  readonly state?: 'local' | 'pg';
  /** The local store's folder; by default the user's, per city (defaultRunsDir). */
  readonly runsDir?: string;
  readonly stateUrl?: string;
}

/** The options that name the inventory and the run store. */
export const withStoreOptions = (c: Command): Command =>
  withInventory(c)
    .addOption(
      new Option(
        '--state <backend>',
        'where the lock and journals live (default: pg when the inventory keeps Terraform state in PostgreSQL, else local)',
      ).choices(['local', 'pg']),
    )
    .option(
      '--runs-dir <dir>',
      'the local store’s folder (default: ~/.local/state/citycloud/runs/<city code>, one per city for this account)',
    )
    .option('--state-url <url>', 'the PostgreSQL store’s connection string (default: $PG_CONN_STR)');

/** The inventory's model; its errors printed and refused. */
export function loadModel(inventory: string): CityModel {
  const { model, findings } = loadCity(inventory);
  if (!model || hasErrors(findings)) {
    printFindings(findings, console.error);
    throw new RunbookUsageError('the inventory has errors; fix them first (citycloud validate)');
  }
  return model;
}

/** The options naming the store that are not the defaults, repeated in every hint printed. */
function storeArgs(opts: StoreOptions): string {
  return [
    opts.inventory !== BUILTIN_INVENTORY && !opts.runsDir && opts.state !== 'pg'
      ? ` --inventory ${shellArg(opts.inventory)}`
      : '',
    opts.state ? ` --state ${opts.state}` : '',
    opts.runsDir ? ` --runs-dir ${shellArg(opts.runsDir)}` : '',
  ].join('');
}

/** The store the inventory implies (PostgreSQL when Terraform's state is there), or the one asked. */
export function storeOf(model: CityModel, opts: StoreOptions): RunStore {
  const kind = opts.state ?? (model.terraformState.backend === 'pg' ? 'pg' : 'local');
  if (kind === 'local')
    return new FileRunStore(opts.runsDir ?? defaultRunsDir(model.city.code), storeArgs(opts));
  for (const [from, v] of [
    ['--state-url', opts.stateUrl],
    ['PG_CONN_STR', opts.stateUrl === undefined ? process.env.PG_CONN_STR : undefined],
  ] as const)
    if (v !== undefined && !isPostgresUrl(v))
      throw new RunbookUsageError(
        `${from} must be a postgres:// URL (a keyword string such as "host=… password=…" is not read, and would be shown)`,
      );
  if (opts.stateUrl !== undefined && hasPassword(opts.stateUrl))
    throw new RunbookUsageError(
      '--state-url carries a password, which every user sees in ps; give the connection string in PG_CONN_STR, or its password in PGPASSWORD or ~/.pgpass',
    );
  const url = opts.stateUrl ?? process.env.PG_CONN_STR;
  if (!url)
    throw new RunbookUsageError(
      'the PostgreSQL run store needs a connection string: --state-url postgres://… or PG_CONN_STR (as Terraform’s pg backend reads it)',
    );
  return new PgRunStore(url, storeArgs(opts));
}

/** Runs `use` with the store the options name, closed after whatever happens. */
export async function withStore<T>(opts: StoreOptions, use: (store: RunStore) => Promise<T>): Promise<T> {
  const store = storeOf(loadModel(opts.inventory), opts);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** What the local store protects, said at the start of every run that uses it. */
export const storeScope = (store: RunStore, model: CityModel): string =>
  store instanceof FileRunStore
    ? `local run store ${store.where}: it keeps one run at a time of ${model.city.name} for this account on this machine only; operators on other machines or accounts share the PostgreSQL store (--state pg)`
    : `run store ${store.where}: one run at a time of ${model.city.name} for everyone using it`;

/** A lock as journaled: its token is the holder's write key, not a fact for the record. */
export const withoutToken = ({ token: _, ...lock }: LockInfo) => lock;

/** The lock's holder, whether it is alive, dead or stale, and why it looks so. */
export async function describeLock(store: RunStore, lock: LockInfo): Promise<string> {
  const live = await store.liveness(lock);
  return lock.unreadable
    ? `held, but cannot be read: ${lock.unreadable}`
    : `run ${lock.run} by ${lock.user}@${lock.host} pid ${lock.pid}, heartbeat ${lock.heartbeatAt}: ${live.state} (${live.why})`;
}

/** Prints text from the journal, the lock or the fleet: inert on a terminal, whatever it holds. */
export const show = (text: string): void => console.log(inert(text, { lines: true }));
