/**
 * The changes of a Terraform (or OpenTofu) plan, from `terraform show -json` (format 1.x):
 * `resource_changes` with their actions — create, update, delete, and replace in either order
 * (["delete","create"], or ["create","delete"] under create_before_destroy) — the `action_reason`
 * and `replace_paths` Terraform gives, and `resource_drift` (what changed outside Terraform).
 * Values the plan marks sensitive (`before_sensitive`/`after_sensitive`) are masked before they
 * are compared, so they can never be printed; values known only after apply say so.
 */
import { attributeChanges, type Segment, schemaPath } from './attribute-diff.ts';
import { AuditInputError } from './audit-error.ts';
import { type Action, type Change, SENSITIVE } from './change.ts';
import { kubernetesForceNew } from './kubernetes-force-new.ts';

export const UNKNOWN = '(known after apply)';

type Mirror = boolean | Mirror[] | { [k: string]: Mirror } | undefined;

interface PlanChange {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: Mirror;
  readonly before_sensitive?: Mirror;
  readonly after_sensitive?: Mirror;
  readonly replace_paths?: readonly (readonly (string | number)[])[];
}

interface ResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly change: PlanChange;
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
}

/** `value` with every leaf its mirror marks true replaced by `marker`. */
export function masked(value: unknown, mirror: Mirror, marker: string): unknown {
  if (mirror === true) return marker;
  if (!mirror || typeof mirror !== 'object' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value))
    return value.map((v, i) => masked(v, Array.isArray(mirror) ? mirror[i] : undefined, marker));
  const m: Record<string, Mirror> = Array.isArray(mirror) ? {} : mirror;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, m[k], marker)]));
}

/** The values a mirror marks sensitive (as text), to mask wherever else they appear. */
export function markedValues(value: unknown, mirror: Mirror, into: Set<string> = new Set()): Set<string> {
  if (mirror === true) {
    if (value === null || value === undefined) return into;
    if (typeof value === 'object') for (const leaf of Object.values(value)) markedValues(leaf, true, into);
    else if (String(value).length >= 3) into.add(String(value));
    return into;
  }
  if (!mirror || typeof mirror !== 'object' || value === null || typeof value !== 'object') return into;
  for (const [k, v] of Object.entries(value)) markedValues(v, (mirror as Record<string, Mirror>)[k], into);
  return into;
}

/** `value` with every string that holds one of `secrets` replaced by the sensitive marker. */
function maskedValues(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return secrets.some((x) => value.includes(x)) ? SENSITIVE : value;
  if (Array.isArray(value)) return value.map((v) => maskedValues(v, secrets));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedValues(v, secrets)]));
  return value;
}

/** Whether the mirror marks `path` (or a block around it) sensitive. */
export function markedAt(mirror: Mirror, path: readonly Segment[]): boolean {
  let m: Mirror = mirror;
  for (const s of path) {
    if (m === true) return true;
    if (!m || typeof m !== 'object' || typeof s === 'object') return false;
    m = (m as Record<string | number, Mirror>)[s as never];
  }
  return m === true;
}

/** Leaves known only after apply, where the plan has no value for them yet. */
function withUnknowns(after: unknown, unknown: Mirror): unknown {
  if (unknown === true) return UNKNOWN;
  if (!unknown || typeof unknown !== 'object') return after;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? [...after] : [];
    unknown.forEach((u, i) => {
      list[i] = withUnknowns(list[i], u);
    });
    return list;
  }
  const obj = after !== null && typeof after === 'object' ? { ...(after as Record<string, unknown>) } : {};
  for (const [k, u] of Object.entries(unknown)) obj[k] = withUnknowns(obj[k], u);
  return obj;
}

function actionOf(actions: readonly string[]): { action: Action; order?: string } | null {
  const a = actions.join(',');
  if (a === 'create') return { action: 'add' };
  if (a === 'delete' || a === 'forget') return { action: 'remove' };
  if (a === 'update') return { action: 'change' };
  if (a === 'delete,create') return { action: 'replace', order: 'delete, then create' };
  if (a === 'create,delete')
    return { action: 'replace', order: 'create, then delete (create_before_destroy)' };
  return null; // no-op, read
}

const REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: 'an attribute cannot be updated in place',
  replace_because_tainted: 'the object is tainted',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by fired',
  delete_because_no_resource_config: 'its configuration was removed',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count/for_each changed shape',
  delete_because_count_index: 'its count index is gone',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'its moved target does not exist',
  read_because_config_unknown: 'its configuration is known only at apply',
  read_because_dependency_pending: 'a dependency has changes pending',
};

function toChange(
  artifact: string,
  stack: string | undefined,
  rc: ResourceChange,
  drift: boolean,
): Change | null {
  if (rc.mode === 'data') return null;
  const kind = actionOf(rc.change.actions);
  if (!kind) return null;
  const action: Action = drift ? 'drift' : kind.action;
  const c = rc.change;
  const before = c.before ?? undefined;
  const after = withUnknowns(c.after ?? undefined, c.after_unknown);
  const secrets = [...markedValues(c.before, c.before_sensitive, markedValues(c.after, c.after_sensitive))];
  const replacePaths = new Set(
    (c.replace_paths ?? []).map((p) => p.filter((s): s is string => typeof s === 'string').join('.')),
  );
  const attributes =
    action === 'change' || action === 'replace' || action === 'drift'
      ? attributeChanges(before, after, {
          // by position, as the plan's sensitivity mirrors are laid out
          byPosition: true,
          secretValues: secrets,
          markedSensitive: (path, side) =>
            markedAt(side === 'before' ? c.before_sensitive : c.after_sensitive, path),
          forcesReplacement: (path: readonly Segment[]) => {
            const p = schemaPath(path);
            for (const r of replacePaths)
              if (p === r || p.startsWith(`${r}.`)) return `replace_paths of the plan (${r})`;
            return kind.action === 'replace' ? kubernetesForceNew(rc.type, p) : null;
          },
        })
      : [];
  const reason = rc.action_reason ? (REASONS[rc.action_reason] ?? rc.action_reason) : null;
  const verb = drift
    ? 'changed outside Terraform (drift)'
    : action === 'add'
      ? 'will be created'
      : action === 'remove'
        ? 'will be destroyed'
        : action === 'replace'
          ? `will be replaced (${kind.order})`
          : 'will be updated in place';
  return {
    area: 'plan',
    artifact,
    ...(stack ? { stack } : {}),
    kind: rc.type,
    id: rc.address,
    action,
    summary: `${rc.address} ${verb}${reason ? `: ${reason}` : ''}${
      action === 'replace' && replacePaths.size ? ` (${[...replacePaths].join(', ')})` : ''
    }`,
    attributes,
    facts: {
      of: 'plan-resource',
      type: rc.type,
      actions: rc.change.actions.join(','),
      actionReason: rc.action_reason ?? '',
    },
    // the rules see the values with the sensitive ones masked: nothing they say can leak them
    objects: {
      before: maskedValues(masked(before, c.before_sensitive, SENSITIVE), secrets),
      after: maskedValues(masked(after, c.after_sensitive, SENSITIVE), secrets),
    },
  };
}

export function parsePlan(text: string, file: string): PlanJson {
  let plan: PlanJson;
  try {
    plan = JSON.parse(text) as PlanJson;
  } catch {
    throw new AuditInputError(`${file}: not JSON; expected the output of terraform show -json PLANFILE`);
  }
  if (typeof plan?.format_version !== 'string' || !/^1\./.test(plan.format_version))
    throw new AuditInputError(
      `${file}: format_version ${JSON.stringify(plan?.format_version)} is not a plan JSON format 1.x (terraform show -json PLANFILE)`,
    );
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes))
    throw new AuditInputError(`${file}: resource_changes is not a list`);
  return plan;
}

export function planChanges(plan: PlanJson, artifact: string, stack?: string): Change[] {
  return [
    ...(plan.resource_changes ?? []).map((rc) => toChange(artifact, stack, rc, false)),
    ...(plan.resource_drift ?? []).map((rc) => toChange(artifact, stack, rc, true)),
  ].filter((c): c is Change => c !== null);
}
