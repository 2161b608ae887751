/**
 * A runbook written with the authoring API (runbook-spec.ts), planned and bound for the engine:
 * its parameters read and checked, its waves planned and checked (JSON targets with unique ids:
 * the plan is journaled, and a resume follows the journaled one), each step's `done` asked before
 * it acts, `run` given a `$` that journals every command line with the secrets redacted, retried
 * with backoff as the step allows, the gates it names between waves.
 */
import { dirname, resolve } from 'node:path';
import { type CityModel, UserError } from '../../model/index.ts';
import type { Executor } from '../executors/executor.ts';
import { evaluateNamedGates } from '../upgrade/upgrade-gates.ts';
import { serverWaves } from '../upgrade/upgrade-plan.ts';
import { instantQuery } from './prometheus-query.ts';
import { sleep } from './run-engine.ts';
import { type BoundRunbook, type Step, type StepAct, StepWaiting, type Target } from './runbook.ts';
import type { ParamValue, Runbook, RunbookTarget } from './runbook-spec.ts';
import {
  type ContextSettings,
  clusterOf,
  clusterReader,
  fleetOf,
  fleetReader,
  inventoryReader,
  inventoryWriter,
} from './spec-context.ts';
import { dryRunShell, type StepShell, stepShell } from './step-shell.ts';

export const RUNBOOK_PLAN_FORMAT = 'citycloud-runbook-plan/v1';

/** A plan as journaled: the parameters that are not secret, and the waves of targets. */
export interface SpecPlan {
  readonly format: typeof RUNBOOK_PLAN_FORMAT;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly waves: readonly (readonly RunbookTarget[])[];
}

/** A parameter given wrong, or a plan a runbook made that cannot run: exit 2. */
export class RunbookInputError extends UserError {
  readonly exitCode = 2;
}

/** The shortest secret: a shorter one cannot be hidden in what is shown without revealing it. */
export const SECRET_MIN_LENGTH = 6;

/**
 * `--param k=v` pairs read as the runbook declares them, on top of `base` (a resume's journaled,
 * typed values), defaults filled — but a secret's: a resume is given every secret again. A
 * secret's value is never printed, not even in the error that refuses it.
 */
export function readParams(
  spec: Runbook,
  given: readonly string[],
  base: Readonly<Record<string, ParamValue>> | null = null,
): { values: Record<string, ParamValue>; secrets: Set<string> } {
  const declared = spec.params ?? {};
  const values: Record<string, ParamValue> = Object.assign(Object.create(null), base ?? {});
  const seen = new Set<string>();
  for (const pair of given) {
    const eq = pair.indexOf('=');
    // the name as far as it reads as one: a typo (`pin:1234`) does not print what follows
    const name = (eq < 0 ? pair : pair.slice(0, eq)).replace(/[^A-Za-z0-9_-].*$/s, '');
    const p = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!p || eq !== name.length)
      throw new RunbookInputError(
        `--param ${JSON.stringify(name)}: runbook ${spec.name} has no such parameter (it has: ${Object.keys(declared).join(', ') || 'none'}); expected NAME=VALUE`,
      );
    if (seen.has(name)) throw new RunbookInputError(`--param ${name} is given twice`);
    seen.add(name);
    const text = pair.slice(eq + 1);
    const shown = p.secret ? 'its value' : JSON.stringify(text);
    const type = p.type ?? 'string';
    if (p.secret && text.length < SECRET_MIN_LENGTH)
      throw new RunbookInputError(
        `--param ${name}: a secret must be at least ${SECRET_MIN_LENGTH} characters (a shorter one cannot be hidden in what is shown without revealing it)`,
      );
    if (type === 'number') {
      if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(text))
        throw new RunbookInputError(`--param ${name}: ${shown} is not a number`);
      values[name] = Number(text);
    } else if (type === 'boolean') {
      if (text !== 'true' && text !== 'false')
        throw new RunbookInputError(`--param ${name}: expected true or false, not ${shown}`);
      values[name] = text === 'true';
    } else values[name] = text;
  }
  for (const [name, p] of Object.entries(declared))
    if (!(name in values)) {
      if (p.default === undefined || (p.secret && base))
        throw new RunbookInputError(`runbook ${spec.name} needs --param ${name}=… (${p.description})`);
      values[name] = p.default;
    }
  const secrets = new Set(Object.entries(declared).flatMap(([n, p]) => (p.secret ? [n] : [])));
  return { values, secrets };
}

/** Replaces every secret's value by `***` in a text. */
export function redactor(values: Readonly<Record<string, ParamValue>>, secrets: ReadonlySet<string>) {
  const hidden = [...secrets]
    .map((n) => String(values[n] ?? ''))
    .filter((v) => v.length > 0)
    .sort((a, b) => b.length - a.length);
  return (text: string) => hidden.reduce((t, v) => t.split(v).join('***'), text);
}

/** What is wrong with waves a runbook planned (or a journal holds), or null. */
function wavesProblem(waves: unknown): string | null {
  if (!Array.isArray(waves)) return 'its plan is not a list of waves';
  const ids = new Set<string>();
  for (const [i, wave] of waves.entries()) {
    if (!Array.isArray(wave)) return `wave ${i} is not a list of targets`;
    for (const t of wave) {
      if (t === null || typeof t !== 'object' || Array.isArray(t))
        return `wave ${i} holds a target that is not an object`;
      const id = (t as { id?: unknown }).id;
      if (typeof id !== 'string' || id.length === 0 || id.length > 256 || /[\p{Cc}\p{Cf}]/u.test(id))
        return `wave ${i} holds a target without an id (a text of 1 to 256 characters, no control or format character)`;
      if (ids.has(id)) return `target ${JSON.stringify(id)} is planned twice`;
      ids.add(id);
    }
  }
  return null;
}

/** Plans a run: the runbook's waves, checked, with the parameters that may be journaled. */
export async function planSpec(
  spec: Runbook,
  model: CityModel,
  values: Readonly<Record<string, ParamValue>>,
  secrets: ReadonlySet<string>,
  /** The run's Prometheus (its query URL, credentials included), for the plan's queries. */
  prometheus: string | null = null,
): Promise<SpecPlan> {
  const redact = redactor(values, secrets);
  let waves: unknown;
  try {
    waves = await spec.plan({
      params: values,
      model,
      serverWaves: (names) =>
        serverWaves(model, names).map((w) =>
          w.map((s) => ({ id: s.server, server: s.server, pool: s.pool, rack: s.rack })),
        ),
      query: async (promql) => {
        if (prometheus === null) throw new Error('no Prometheus to ask');
        const answer = await instantQuery(prometheus, String(promql), 15_000);
        if (!answer.answered)
          throw new Error(`Prometheus did not answer ${String(promql).slice(0, 200)}: ${answer.problem}`);
        return answer.samples;
      },
    });
  } catch (err) {
    throw new RunbookInputError(
      `runbook ${spec.name}: its plan failed: ${redact(String((err as Error)?.message ?? err)).split('\n')[0]}`,
    );
  }
  // journaled as JSON: what does not survive it (a function, a cycle) is refused now
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(waves));
  } catch (err) {
    throw new RunbookInputError(`runbook ${spec.name}: its plan is not JSON (${(err as Error).message})`);
  }
  const problem = wavesProblem(copy);
  if (problem) throw new RunbookInputError(`runbook ${spec.name}: ${redact(problem)}`);
  // the plan is journaled: a secret in it would be written in clear
  if (redact(JSON.stringify(copy)) !== JSON.stringify(copy))
    throw new RunbookInputError(
      `runbook ${spec.name}: its plan holds a secret parameter's value; it is journaled`,
    );
  if ((spec.gates ?? []).includes('wave-back')) {
    const notServer = (copy as Record<string, unknown>[][])
      .flat()
      .find((t) => !['server', 'pool', 'rack'].every((k) => typeof t[k] === 'string'));
    if (notServer)
      throw new RunbookInputError(
        `runbook ${spec.name}: gate wave-back judges servers, and target ${JSON.stringify(notServer.id)} is not one (expected { server, pool, rack }, as serverWaves gives)`,
      );
  }
  const params = Object.fromEntries(Object.entries(values).filter(([n]) => !secrets.has(n)));
  return {
    format: RUNBOOK_PLAN_FORMAT,
    params,
    waves: (copy as RunbookTarget[][]).filter((w) => w.length > 0),
  };
}

/** A journaled plan read back, or what is wrong with it. */
export function readSpecPlan(value: unknown): { plan: SpecPlan } | { problem: string } {
  const v = (value ?? {}) as Record<string, unknown>;
  if (v.format !== RUNBOOK_PLAN_FORMAT) return { problem: `its format is not ${RUNBOOK_PLAN_FORMAT}` };
  if (v.params === null || typeof v.params !== 'object') return { problem: 'it has no parameters' };
  const problem =
    wavesProblem(v.waves) ??
    ((v.waves as unknown[][]).every((w) => w.length === 0) ? 'its plan has no target' : null);
  return problem ? { problem } : { plan: value as SpecPlan };
}

interface SpecTarget extends Target {
  readonly target: RunbookTarget;
}

export interface BindSettings {
  readonly model: CityModel;
  /** Every parameter's value, the secrets' included (given again at a resume). */
  readonly values: Readonly<Record<string, ParamValue>>;
  readonly secrets: ReadonlySet<string>;
  /** The gates' Prometheus. */
  readonly prometheus: string;
  /** What acts on the fleet (`fleet` in a step's context). */
  readonly executor: Executor;
  /** The inventory's root file: the commands run in its folder, and `inventory` edits it. */
  readonly inventory: string;
  /** Prints each command line instead of running it (runbook run --dry-run). */
  readonly dryRun?: (line: string) => void;
}

/** What `done` said: a reason, true or false/null; anything else is the runbook's mistake, not "no". */
function reasonOf(done: unknown): string | null {
  if (done === true) return 'done';
  if (done === false || done === null) return null;
  if (typeof done === 'string' && done.length > 0) return done;
  throw new Error(
    `done() returned ${done === undefined ? 'nothing' : typeof done === 'string' ? 'an empty text' : `a ${typeof done}`}: expected true, false, null or a reason`,
  );
}

/** The runbook bound to a plan, for the engine. */
export function bindSpec(spec: Runbook, plan: SpecPlan, settings: BindSettings): BoundRunbook<SpecTarget> {
  const redact = redactor(settings.values, settings.secrets);
  /** What a runbook says, journaled and shown: its secrets hidden, one line, at most 300 characters. */
  const said = (text: string) =>
    redact(text)
      .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
      .slice(0, 300);
  const cwd = dirname(resolve(settings.inventory));
  const reach: ContextSettings = {
    model: settings.model,
    executor: settings.executor,
    inventory: settings.inventory,
    redact,
    ...(settings.dryRun ? { dryRun: settings.dryRun } : {}),
  };
  const doneCtx = (update: (t: string) => void, memo: string | undefined) => ({
    $: readShell(update),
    fleet: fleetReader(reach),
    cluster: clusterReader(reach),
    inventory: inventoryReader(settings.inventory),
    params: settings.values,
    ...(memo === undefined ? {} : { memo }),
  });
  const readShell = (update: (t: string) => void): StepShell =>
    settings.dryRun
      ? dryRunShell({ redact, say: () => {} })
      : stepShell({ journal: async () => {}, redact, update, cwd, nothrow: true });
  const shellOf = (act: StepAct): StepShell =>
    settings.dryRun
      ? dryRunShell({ redact, say: settings.dryRun })
      : stepShell({
          journal: (line) => act.command(line),
          redact,
          update: act.update,
          cwd,
        });
  const steps: Step<SpecTarget>[] = spec.steps.map((s) => {
    const done = async (
      t: SpecTarget,
      memo: string | undefined,
      update: (text: string) => void = () => {},
    ) => {
      try {
        const reason = reasonOf(await s.done(t.target, doneCtx(update, memo)));
        return reason === null ? null : said(reason);
      } catch (err) {
        throw new Error(redact(String((err as Error)?.message ?? err)));
      }
    };
    const remember = s.remember;
    return {
      name: s.name,
      describe: (t) => redact(`${s.name} ${t.id}`),
      done: (t, memo) => done(t, memo),
      ...(remember
        ? {
            remember: async (t: SpecTarget) => {
              const memo = await remember(
                t.target,
                doneCtx(() => {}, undefined),
              );
              if (typeof memo !== 'string' || memo.length > 200 || /[\p{Cc}\p{Cf}]/u.test(memo))
                throw new Error(
                  `step ${s.name}: remember() returned ${typeof memo === 'string' ? `a text of ${memo.length} characters or with a control character` : `a ${typeof memo}`}: expected a text of at most 200 characters`,
                );
              return redact(memo);
            },
          }
        : {}),
      run: async (t, act) => {
        // a dry run tries once: its commands run nothing, so trying again changes nothing
        const attempts = settings.dryRun ? 1 : 1 + (s.retries ?? 0);
        for (let attempt = 1; ; attempt++) {
          try {
            await s.run(t.target, {
              $: shellOf(act),
              fleet: fleetOf(reach, act),
              cluster: clusterOf(reach, act),
              inventory: inventoryWriter(reach, act),
              params: settings.values,
              wave: act.wave,
              ...(act.memo === undefined ? {} : { memo: act.memo }),
              log: (text) => act.update(redact(text)),
              wait: (reason) => {
                throw new StepWaiting(said(String(reason)));
              },
              until: async (what, probe, seconds) => {
                if (settings.dryRun) return settings.dryRun(`(waits until ${said(String(what))})`);
                const end = Date.now() + Math.max(0, Number(seconds)) * 1000;
                for (;;) {
                  if (await probe()) return;
                  if (act.signal?.aborted)
                    throw new Error(`interrupted while waiting until ${said(String(what))}`);
                  if (Date.now() + 2000 > end)
                    throw new Error(`waited ${seconds} s, and still not ${said(String(what))}`);
                  await sleep(2000, act.signal);
                }
              },
              ...(act.signal ? { signal: act.signal } : {}),
            });
            return;
          } catch (err) {
            // waiting is not failing: no attempt is made again, the run stops resumable
            if (err instanceof StepWaiting) throw err;
            const message = redact(String((err as Error)?.message ?? err));
            if (attempt >= attempts || act.signal?.aborted) throw new Error(message);
            const wait = Math.min(60, 2 ** (attempt - 1));
            act.update(
              `${s.name}: attempt ${attempt} of ${attempts} failed (${message.split('\n')[0]}); again in ${wait} s`,
            );
            await sleep(wait * 1000, act.signal);
            if (act.signal?.aborted) throw new Error(`${message} (interrupted before another attempt)`);
            // what the failed attempt did may be all the step needed
            if (await done(t, act.memo, act.update)) return;
          }
        }
      },
      ...(s.repeatUntil ? { repeatUntil: s.repeatUntil } : {}),
    };
  });
  const gates = spec.gates ?? [];
  const count = plan.waves.reduce((n, w) => n + w.length, 0);
  return {
    name: spec.name,
    waves: plan.waves.map((targets, index) => ({
      index,
      title: `wave ${index}/${plan.waves.length - 1}: ${targets.length} ${targets.length === 1 ? 'target' : 'targets'}`,
      targets: targets.map((target) => ({ id: target.id, title: redact(target.id), target })),
    })),
    steps,
    window: spec.window === 'any' ? null : settings.model.runbooks.upgradeWindow,
    summary: `${count} ${count === 1 ? 'target' : 'targets'} planned`,
    noun: ['target', 'targets'],
    done: 'done',
    finished: () => 'every step done',
    ...(gates.length > 0
      ? {
          gates: (wave, failed, since) =>
            evaluateNamedGates(
              settings.prometheus,
              settings.model,
              gates,
              wave.targets.flatMap((t) => {
                const { server, pool, rack } = t.target as {
                  server?: unknown;
                  pool?: unknown;
                  rack?: unknown;
                };
                return typeof server === 'string' && typeof pool === 'string' && typeof rack === 'string'
                  ? [{ server, pool, rack }]
                  : [];
              }),
              failed,
              since,
            ),
        }
      : {}),
  };
}
