/**
 * The authoring API of a runbook: what an ops team writes in `runbooks/NAME.ts` beside the
 * inventory (`export default { … } satisfies Runbook`), and what loading one checks before
 * anything runs. A runbook names its parameters, plans its waves of targets, and lists its steps,
 * each with `done` (how to tell, from the target itself, that its effect is there already: the
 * engine asks it before every step, a resumed one included) and `run` (which acts only through
 * the `$` it is handed: zx's, each command line journaled).
 */
import type { CityModel } from '../../model/index.ts';
import type { CertificateFacts, MountingWorkload, ServerFacts, WorkloadKind } from '../executors/executor.ts';
import type { InventoryEdit } from './inventory-edit.ts';
import { NAME_PATTERN } from './journal-records.ts';
import type { StepShell } from './step-shell.ts';

export type { CertificateFacts, InventoryEdit, MountingWorkload, ServerFacts, WorkloadKind };

/** An instant query's answer: each series' labels and value. */
export type QueryResult = readonly {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}[];

export type ParamValue = string | number | boolean;

export interface ParamSpec {
  readonly description: string;
  /** How `--param k=v` is read (default: string). */
  readonly type?: 'string' | 'number' | 'boolean';
  /** Taken when the parameter is not given; without one, it must be. */
  readonly default?: ParamValue;
  /**
   * Never journaled nor shown: its value is replaced by `***` in every command line, output and
   * message, and a resume must be given it again.
   */
  readonly secret?: boolean;
}

/** A target: what a runbook's steps act on, by an id unique in its plan; the rest is its own. */
export interface RunbookTarget {
  readonly id: string;
  readonly [field: string]: unknown;
}

/**
 * The servers, through what the run acts with (`--executor`: kubectl and ssh on the city's
 * fleet, or the fleet simulator): what a server says of itself. A server must be the inventory's.
 */
export interface FleetReader {
  /** Up (it answers), cordoned, its boot id (new at every boot) and OS versions, read now. */
  facts(server: string): Promise<ServerFacts>;
}

/** The servers, acted on: each action journaled (as the executor runs it) before it runs. */
export interface Fleet extends FleetReader {
  cordon(server: string): Promise<void>;
  /** Evicts its pods (it must be cordoned and answer). */
  drain(server: string): Promise<void>;
  /**
   * For a server that does not answer: the `node.kubernetes.io/out-of-service` taint of
   * Kubernetes' non-graceful node shutdown, so its pods are deleted and their volumes detached,
   * to start on other servers (it must be cordoned).
   */
  fence(server: string): Promise<void>;
  /** Removes that taint (nothing to do when there is none). */
  unfence(server: string): Promise<void>;
  uncordon(server: string): Promise<void>;
}

/** The cluster's objects, through the run's executor (kubectl, or the simulator). */
export interface ClusterReader {
  /** A cert-manager Certificate: when its certificate starts and ends (unix s), its Secret; null: none. */
  certificate(namespace: string, name: string): Promise<CertificateFacts | null>;
  /** The Deployments and StatefulSets of the namespace whose pods mount the Secret. */
  workloadsMounting(namespace: string, secretName: string): Promise<MountingWorkload[]>;
}

/** The cluster's objects, acted on: each action journaled (as the executor runs it) before it runs. */
export interface Cluster extends ClusterReader {
  /** Has cert-manager issue the Certificate again now (what `cmctl renew` does). */
  renewCertificate(namespace: string, name: string): Promise<void>;
  /** Restarts a workload's pods as its strategy rolls them (`kubectl rollout restart`). */
  restartWorkload(namespace: string, kind: WorkloadKind, name: string): Promise<void>;
}

/** The inventory beside which the runbook runs, read again at each call. */
export interface InventoryReader {
  /** The city as the inventory says it now (a step may have changed it). */
  model(): CityModel;
  /**
   * The file holding a top-level section (`outOfService`), relative to city.yaml's folder; null
   * when no file does.
   */
  fileOf(section: string): string | null;
}

/** The inventory, edited. */
export interface InventoryWriter extends InventoryReader {
  /**
   * Edits its YAML through the yaml Document API (comments kept): written only when the edited
   * inventory validates and the files hold what they held when read; else the step fails, and
   * nothing is written. Journaled, with `why`, before it is written. Returns the files written.
   */
  edit(edits: readonly InventoryEdit[], why: string): Promise<string[]>;
}

export interface StepContext {
  /** zx's `$`: arguments quoted by zx, each command line journaled before it runs. */
  readonly $: StepShell;
  readonly fleet: Fleet;
  readonly cluster: Cluster;
  readonly inventory: InventoryWriter;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly wave: number;
  /** What the step's `remember` journaled when it started. */
  readonly memo?: string;
  /** Shows a line on the target's place in the progress display. */
  log(text: string): void;
  /**
   * Waits until `probe` says true, asking every 2 s for at most `seconds` (then the step fails,
   * naming `what`); an interrupt stops the wait. A dry run says it would wait and asks nothing.
   */
  until(what: string, probe: () => Promise<boolean> | boolean, seconds: number): Promise<void>;
  /**
   * Stops the run here, resumable (exit 75), for what no run can do (a replacement racked, a
   * person's word): journaled with the reason, and a resume asks this step's `done` again.
   */
  wait(reason: string): never;
  readonly signal?: AbortSignal;
}

export interface DoneContext {
  /**
   * zx's `$` for reading the target: its commands are not journaled (they change nothing), and a
   * non-zero exit is returned, not thrown (`(await $\`test -e ${path}\`).exitCode === 0`).
   */
  readonly $: StepShell;
  readonly fleet: FleetReader;
  readonly cluster: ClusterReader;
  readonly inventory: InventoryReader;
  readonly params: Readonly<Record<string, ParamValue>>;
  /**
   * What the step's `remember` journaled when it last started (undefined before it did): what
   * tells a resume whether the effect it waits for came after it began (a new boot id).
   */
  readonly memo?: string;
}

export interface RunbookStep<T extends RunbookTarget = RunbookTarget> {
  readonly name: string;
  /**
   * Whether the step's effect is there already: a reason (or true), or null/false when it must
   * act. Read from the target, never from memory: it is what makes a resume exact.
   */
  done(target: T, ctx: DoneContext): Promise<string | boolean | null> | string | boolean | null;
  run(target: T, ctx: StepContext): Promise<unknown> | unknown;
  /** Attempts after a failure (each after `done` says it must act), with backoff: default 0. */
  readonly retries?: number;
  /** Repeated (it must be harmless) until this later step is done, whatever the journal says. */
  readonly repeatUntil?: string;
  /**
   * Read when the step starts (after `done` says it must act) and journaled with its start:
   * `done` and `run` get it back as `memo`, on a resume too (at most 200 characters).
   */
  remember?(target: T, ctx: DoneContext): Promise<string> | string;
}

export interface PlanContext {
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The city, as the inventory says it now. */
  readonly model: CityModel;
  /**
   * Servers by name in waves by failure domain, as the upgrade plans them: a canary of one server
   * per pool, then each pool's servers at most its wave size w at once (one rack at a time for a
   * warehouse pool), the least critical pools first. Each target is `{ id, server, pool, rack }`.
   */
  serverWaves(names: readonly string[]): { id: string; server: string; pool: string; rack: string }[][];
  /** An instant query of the run's Prometheus (`--prometheus`); a query it cannot answer fails the plan. */
  query(promql: string): Promise<QueryResult>;
}

/** The gates a runbook may ask for between waves (runbooks/upgrade/upgrade-gates.ts). */
export const RUNBOOK_GATES = [
  'wave-back',
  'fleet-up',
  'critical-alerts',
  'error-budget-burn',
  'pool-cpu',
  'pool-memory',
] as const;
export type RunbookGate = (typeof RUNBOOK_GATES)[number];

export interface Runbook<T extends RunbookTarget = RunbookTarget> {
  /** Lowercase letters, digits and hyphens: the run ids start with it. */
  readonly name: string;
  readonly description: string;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** The targets in waves (each an array of targets), journaled as approved. */
  plan(ctx: PlanContext): Promise<readonly (readonly T[])[]> | readonly (readonly T[])[];
  readonly steps: readonly RunbookStep<T>[];
  /** Between waves; `wave-back` needs server targets (`{ server }`). */
  readonly gates?: readonly RunbookGate[];
  /** Waves start only inside the inventory's maintenance window (default), or at any time. */
  readonly window?: 'maintenance' | 'any';
}

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';
const PARAM_NAME = /^[a-z][a-zA-Z0-9_-]{0,47}$/;

/** What is wrong with a loaded runbook, in one phrase, or null. */
export function specProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object')
    return 'its default export is not a runbook: expected `export default { name, description, plan, steps } satisfies Runbook`';
  const r = value as Record<string, unknown>;
  if (typeof r.name !== 'string' || !NAME_PATTERN.test(r.name))
    return `its name ${JSON.stringify(r.name)} is not a runbook's: expected lowercase letters, digits and hyphens, at most 48`;
  const at = `runbook ${r.name}`;
  if (typeof r.description !== 'string' || r.description.trim() === '')
    return `${at}: it has no description (a line saying what it does, shown by runbook list)`;
  if (!isFunction(r.plan)) return `${at}: it has no plan(ctx) returning its waves of targets`;
  if (!Array.isArray(r.steps) || r.steps.length === 0) return `${at}: it has no steps`;
  const names = new Set<string>();
  for (const [i, s] of (r.steps as unknown[]).entries()) {
    const step = (s ?? {}) as Record<string, unknown>;
    const which = `${at}: step ${i + 1}${typeof step.name === 'string' ? ` (${step.name})` : ''}`;
    if (typeof step.name !== 'string' || !NAME_PATTERN.test(step.name))
      return `${which}: its name is not a step's: expected lowercase letters, digits and hyphens`;
    if (names.has(step.name)) return `${which}: a second step named ${step.name}`;
    names.add(step.name);
    if (!isFunction(step.done))
      return `${which} has no done(target): every step says how to tell, from the target, that it is done already`;
    if (!isFunction(step.run)) return `${which} has no run(target)`;
    if (step.remember !== undefined && !isFunction(step.remember))
      return `${which}: remember is not a function of the target`;
    if (
      step.retries !== undefined &&
      !(Number.isSafeInteger(step.retries) && (step.retries as number) >= 0 && (step.retries as number) <= 10)
    )
      return `${which}: retries ${JSON.stringify(step.retries)} is not a whole number from 0 to 10`;
  }
  for (const s of r.steps as { name: string; repeatUntil?: unknown }[])
    if (s.repeatUntil !== undefined) {
      const later = (r.steps as { name: string }[]).findIndex((x) => x.name === s.repeatUntil);
      if (later <= (r.steps as { name: string }[]).findIndex((x) => x.name === s.name))
        return `${at}: step ${s.name} repeats until ${JSON.stringify(s.repeatUntil)}, which is not a later step`;
    }
  if (r.gates !== undefined) {
    if (!Array.isArray(r.gates)) return `${at}: gates is not a list`;
    for (const g of r.gates)
      if (!(RUNBOOK_GATES as readonly unknown[]).includes(g))
        return `${at}: unknown gate ${JSON.stringify(g)}: expected one of ${RUNBOOK_GATES.join(', ')}`;
  }
  if (r.window !== undefined && r.window !== 'maintenance' && r.window !== 'any')
    return `${at}: window ${JSON.stringify(r.window)} is not 'maintenance' or 'any'`;
  if (r.params !== undefined) {
    if (r.params === null || typeof r.params !== 'object') return `${at}: params is not an object`;
    for (const [name, p] of Object.entries(r.params as Record<string, unknown>)) {
      const param = (p ?? {}) as Record<string, unknown>;
      if (!PARAM_NAME.test(name)) return `${at}: parameter ${JSON.stringify(name)} is not a parameter's name`;
      if (typeof param.description !== 'string') return `${at}: parameter ${name} has no description`;
      const type = param.type ?? 'string';
      if (type !== 'string' && type !== 'number' && type !== 'boolean')
        return `${at}: parameter ${name}'s type ${JSON.stringify(param.type)} is not string, number or boolean`;
      if (param.default !== undefined && typeof param.default !== type)
        return `${at}: parameter ${name}'s default is not a ${type}`;
    }
  }
  return null;
}
