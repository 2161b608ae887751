/**
 * A runbook written with the authoring API (runbook-spec.ts), planned and bound for the engine:
 * its parameters read and checked, its waves planned and checked (JSON targets with unique ids:
 * the plan is journaled, and a resume follows the journaled one), each step's `done` asked before
 * it acts, `run` given a `$` that journals every command line with the secrets redacted, retried
 * with backoff as the step allows, the gates it names between waves.
 */
import { type CityModel, UserError } from '../../model/index.ts';
import { evaluateNamedGates } from '../upgrade/upgrade-gates.ts';
import { serverWaves } from '../upgrade/upgrade-plan.ts';
import { sleep } from './run-engine.ts';
import type { BoundRunbook, Step, StepAct, Target } from './runbook.ts';
import type { ParamValue, Runbook, RunbookTarget } from './runbook-spec.ts';
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

/** `--param k=v` pairs read as the runbook declares them, defaults filled; a secret is kept apart. */
export function readParams(
  spec: Runbook,
  given: readonly string[],
): { values: Record<string, ParamValue>; secrets: Set<string> } {
  const declared = spec.params ?? {};
  const values: Record<string, ParamValue> = Object.create(null);
  for (const pair of given) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const p = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!p)
      throw new RunbookInputError(
        `--param ${JSON.stringify(name)}: runbook ${spec.name} has no such parameter (it has: ${Object.keys(declared).join(', ') || 'none'})`,
      );
    if (eq < 0) throw new RunbookInputError(`--param ${name}: expected ${name}=VALUE`);
    const text = pair.slice(eq + 1);
    const type = p.type ?? 'string';
    if (type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(text))
        throw new RunbookInputError(`--param ${name}: ${JSON.stringify(text)} is not a number`);
      values[name] = Number(text);
    } else if (type === 'boolean') {
      if (text !== 'true' && text !== 'false')
        throw new RunbookInputError(`--param ${name}: expected true or false, not ${JSON.stringify(text)}`);
      values[name] = text === 'true';
    } else values[name] = text;
  }
  for (const [name, p] of Object.entries(declared))
    if (!(name in values)) {
      if (p.default === undefined)
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
      if (typeof id !== 'string' || id.length === 0 || id.length > 256)
        return `wave ${i} holds a target without an id (a text of 1 to 256 characters)`;
      if (ids.has(id)) return `target ${JSON.stringify(id)} is planned twice`;
      ids.add(id);
    }
  }
  return ids.size === 0 ? 'its plan has no target' : null;
}

/** Plans a run: the runbook's waves, checked, with the parameters that may be journaled. */
export async function planSpec(
  spec: Runbook,
  model: CityModel,
  values: Readonly<Record<string, ParamValue>>,
  secrets: ReadonlySet<string>,
): Promise<SpecPlan> {
  const waves = await spec.plan({
    params: values,
    model,
    serverWaves: (names) =>
      serverWaves(model, names).map((w) =>
        w.map((s) => ({ id: s.server, server: s.server, pool: s.pool, rack: s.rack })),
      ),
  });
  // journaled as JSON: what does not survive it (a function, a cycle) is refused now
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(waves));
  } catch (err) {
    throw new RunbookInputError(`runbook ${spec.name}: its plan is not JSON (${(err as Error).message})`);
  }
  const problem = wavesProblem(copy);
  if (problem) throw new RunbookInputError(`runbook ${spec.name}: ${problem}`);
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
  const problem = wavesProblem(v.waves);
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
  /** Where the commands run (the inventory's repository). */
  readonly cwd: string;
  /** Prints each command line instead of running it (runbook run --dry-run). */
  readonly dryRun?: (line: string) => void;
}

const reasonOf = (done: string | boolean | null | undefined) =>
  typeof done === 'string' && done.length > 0 ? done : done === true ? 'done' : null;

/** The runbook bound to a plan, for the engine. */
export function bindSpec(spec: Runbook, plan: SpecPlan, settings: BindSettings): BoundRunbook<SpecTarget> {
  const redact = redactor(settings.values, settings.secrets);
  const readShell = (update: (t: string) => void): StepShell =>
    settings.dryRun
      ? dryRunShell({ redact, say: () => {} })
      : stepShell({ journal: async () => {}, redact, update, cwd: settings.cwd });
  const shellOf = (act: StepAct): StepShell =>
    settings.dryRun
      ? dryRunShell({ redact, say: settings.dryRun })
      : stepShell({
          journal: (line) => act.command(line),
          redact,
          update: act.update,
          cwd: settings.cwd,
          ...(act.signal ? { signal: act.signal } : {}),
        });
  const steps: Step<SpecTarget>[] = spec.steps.map((s) => {
    const done = async (t: SpecTarget, update: (text: string) => void = () => {}) =>
      reasonOf(await s.done(t.target, { $: readShell(update), params: settings.values }));
    return {
      name: s.name,
      describe: (t) => redact(`${s.name} ${t.id}`),
      done: (t) => done(t),
      run: async (t, act) => {
        const attempts = 1 + (s.retries ?? 0);
        for (let attempt = 1; ; attempt++) {
          try {
            await s.run(t.target, {
              $: shellOf(act),
              params: settings.values,
              wave: act.wave,
              log: (text) => act.update(redact(text)),
              ...(act.signal ? { signal: act.signal } : {}),
            });
            return;
          } catch (err) {
            const message = redact((err as Error).message ?? String(err));
            if (attempt >= attempts || act.signal?.aborted) throw new Error(message);
            const wait = Math.min(60, 2 ** (attempt - 1));
            act.update(
              `${s.name}: attempt ${attempt} of ${attempts} failed (${message.split('\n')[0]}); again in ${wait} s`,
            );
            await sleep(wait * 1000, act.signal);
            // what the failed attempt did may be all the step needed
            if (await done(t, act.update)) return;
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
