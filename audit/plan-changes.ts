/**
 * The changes of a Terraform (or OpenTofu) plan, from `terraform show -json` (format 1.x), the
 * whole truth of it (held against Terraform 1.11.4's own fixtures, internal/command/testdata/
 * show-json, and against real plans): `resource_changes` with their actions — create, update,
 * delete, replace in either order (["delete","create"], or ["create","delete"] under
 * create_before_destroy), deposed objects, moves (`previous_address`), imports (`importing`) and
 * data sources read during apply — with the `action_reason` and `replace_paths` Terraform gives;
 * `resource_drift`; `output_changes`. A plan that errored, or says it cannot be applied while it
 * lists changes, or is no plan at all (a state file), is refused, never read as "0 changes".
 *
 * Every value the plan marks sensitive anywhere — a resource's mirrors, an output, a variable, the
 * prior state — is masked wherever it appears, in every resource (one automaton over all of them,
 * audit/secret-matcher.ts); values known only after apply say so.
 */
import { attributeChanges, leafAttributes, type Segment, schemaPath } from './attribute-diff.ts';
import { AuditInputError } from './audit-error.ts';
import { type Action, type Change, SENSITIVE } from './change.ts';
import { jsonBoundsProblem } from './json-bounds.ts';
import { kubernetesForceNew } from './kubernetes-force-new.ts';
import { SecretMatcher } from './secret-matcher.ts';

/** The largest plan JSON read: the 10x city's largest stack plans to ~60 MB. */
export const MAX_PLAN_JSON_BYTES = 256 * 1024 * 1024;

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
  readonly change: PlanChange & { readonly importing?: { readonly id?: string } };
  readonly action_reason?: string;
  /** The deposed object this change is to (create_before_destroy left it behind). */
  readonly deposed?: string;
  /** Its address before a `moved` block. */
  readonly previous_address?: string;
}

interface Values {
  readonly outputs?: Readonly<Record<string, { readonly sensitive?: boolean; readonly value?: unknown }>>;
  readonly root_module?: Module;
}
interface Module {
  readonly resources?: readonly { readonly values?: unknown; readonly sensitive_values?: Mirror }[];
  readonly child_modules?: readonly Module[];
}

export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly planned_values?: Values;
  readonly prior_state?: { readonly values?: Values };
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly configuration?: {
    readonly root_module?: {
      readonly variables?: Readonly<Record<string, { readonly sensitive?: boolean }>>;
      readonly resources?: readonly {
        readonly address?: string;
        readonly provisioners?: readonly { readonly type?: string }[];
      }[];
    };
  };
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, PlanChange>>;
  readonly errored?: boolean;
  readonly applyable?: boolean;
  readonly complete?: boolean;
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

/** `value` with every string that holds one of the secrets replaced by the sensitive marker. */
function maskedValues(value: unknown, secrets: SecretMatcher): unknown {
  if (secrets.empty) return value;
  if (typeof value === 'string') return secrets.matches(value) ? SENSITIVE : value;
  if (Array.isArray(value)) return value.map((v) => maskedValues(v, secrets));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedValues(v, secrets)]));
  return value;
}

/** Every value the plan marks sensitive anywhere (resources, outputs, variables, states). */
function planSecrets(plan: PlanJson): Set<string> {
  const into = new Set<string>();
  for (const rc of [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])]) {
    markedValues(rc.change?.before, rc.change?.before_sensitive, into);
    markedValues(rc.change?.after, rc.change?.after_sensitive, into);
  }
  for (const oc of Object.values(plan.output_changes ?? {})) {
    markedValues(oc?.before, oc?.before_sensitive, into);
    markedValues(oc?.after, oc?.after_sensitive, into);
  }
  const module = (m: Module | undefined) => {
    for (const r of m?.resources ?? []) markedValues(r.values, r.sensitive_values, into);
    for (const c of m?.child_modules ?? []) module(c);
  };
  for (const v of [plan.planned_values, plan.prior_state?.values]) {
    for (const o of Object.values(v?.outputs ?? {})) if (o?.sensitive) markedValues(o.value, true, into);
    module(v?.root_module);
  }
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, v] of Object.entries(plan.variables ?? {}))
    if (declared[name]?.sensitive) markedValues(v?.value, true, into);
  return into;
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
  secrets: SecretMatcher,
  provisioners: ReadonlyMap<string, readonly string[]> = new Map(),
): Change | null {
  const c = rc.change;
  if (rc.mode === 'data') return dataRead(artifact, stack, rc);
  const moved = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
  const importing = c.importing !== undefined;
  const actions = c.actions.join(',');
  // a move or an import with nothing else to do is still something the plan does
  const kind =
    actionOf(c.actions) ??
    (actions === 'no-op' && (moved || importing) ? { action: 'change' as const } : null);
  if (!kind) return null;
  const action: Action = drift ? 'drift' : kind.action;
  const before = c.before ?? undefined;
  const after = withUnknowns(c.after ?? undefined, c.after_unknown);
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
      : // created or destroyed: what it holds, leaf by leaf
        leafAttributes(action === 'add' ? after : before, action === 'add' ? 'after' : 'before', {
          secretValues: secrets,
          markedSensitive: (path, side) =>
            markedAt(side === 'before' ? c.before_sensitive : c.after_sensitive, path),
        });
  const reason = rc.action_reason ? (REASONS[rc.action_reason] ?? rc.action_reason) : null;
  const verb = drift
    ? 'changed outside Terraform (drift)'
    : action === 'add'
      ? importing
        ? `will be imported (id ${c.importing?.id ?? '?'}) and created`
        : 'will be created'
      : action === 'remove'
        ? 'will be destroyed'
        : action === 'replace'
          ? `will be replaced (${kind.order})`
          : actions === 'no-op'
            ? importing
              ? `will be imported (id ${c.importing?.id ?? '?'}), with no other change`
              : 'is moved, with no other change'
            : importing
              ? `will be imported (id ${c.importing?.id ?? '?'}) and updated in place`
              : 'will be updated in place';
  const id = rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address;
  return {
    area: 'plan',
    artifact,
    ...(stack ? { stack } : {}),
    kind: rc.type,
    id,
    action,
    summary: `${rc.deposed ? `the deposed object ${rc.deposed} of ${rc.address}` : rc.address}${moved ? ` (moved from ${moved})` : ''} ${verb}${reason ? `: ${reason}` : ''}${
      action === 'replace' && replacePaths.size ? ` (${[...replacePaths].join(', ')})` : ''
    }`,
    attributes,
    facts: {
      of: 'plan-resource',
      type: rc.type,
      actions,
      actionReason: rc.action_reason ?? '',
      ...(rc.deposed ? { deposed: rc.deposed } : {}),
      ...(importing ? { importing: true } : {}),
      ...(moved ? { movedFrom: moved } : {}),
      // a resource of a count or for_each is configured once, at its address without the key
      ...((provisioners.get(rc.address.replace(/\[[^\]]*\]$/, '')) ?? []).length
        ? { provisioners: provisioners.get(rc.address.replace(/\[[^\]]*\]$/, '')) }
        : {}),
    },
    // the rules see the values with the sensitive ones masked: nothing they say can leak them
    objects: {
      before: maskedValues(masked(before, c.before_sensitive, SENSITIVE), secrets),
      after: maskedValues(masked(after, c.after_sensitive, SENSITIVE), secrets),
    },
  };
}

/** A data source read during apply (its configuration depends on what the apply makes). */
function dataRead(artifact: string, stack: string | undefined, rc: ResourceChange): Change | null {
  if (!rc.change.actions.includes('read')) return null;
  const reason = rc.action_reason ? (REASONS[rc.action_reason] ?? rc.action_reason) : null;
  return {
    area: 'plan',
    artifact,
    ...(stack ? { stack } : {}),
    kind: rc.type,
    id: rc.address,
    action: 'change',
    summary: `${rc.address} will be read during apply${reason ? `: ${reason}` : ''}`,
    attributes: [],
    facts: { of: 'plan-read', type: rc.type, actionReason: rc.action_reason ?? '' },
  };
}

/** An output the plan changes (its value masked when the plan marks it sensitive). */
function outputChange(
  artifact: string,
  stack: string | undefined,
  name: string,
  oc: PlanChange,
  secrets: SecretMatcher,
): Change | null {
  const kind = actionOf(oc.actions ?? []);
  if (!kind) return null;
  const sensitive = oc.before_sensitive === true || oc.after_sensitive === true;
  const attributes = attributeChanges(
    oc.before ?? undefined,
    withUnknowns(oc.after ?? undefined, oc.after_unknown),
    {
      byPosition: true,
      secretValues: secrets,
      markedSensitive: (path, side) =>
        sensitive || markedAt(side === 'before' ? oc.before_sensitive : oc.after_sensitive, path),
    },
  );
  return {
    area: 'plan',
    artifact,
    ...(stack ? { stack } : {}),
    kind: 'output',
    id: `output.${name}`,
    action: kind.action,
    summary: `output ${name} ${kind.action === 'add' ? 'will be created' : kind.action === 'remove' ? 'will be removed' : 'will change'}${sensitive ? ' (sensitive)' : ''}`,
    attributes,
    facts: { of: 'plan-output', actions: (oc.actions ?? []).join(','), sensitive },
  };
}

/** Lists whose items must be objects, if present. */
const LISTS = ['resource_changes', 'resource_drift'] as const;

export function parsePlan(text: string, file: string): PlanJson {
  const bounds = jsonBoundsProblem(text, MAX_PLAN_JSON_BYTES);
  if (bounds) throw new AuditInputError(`${file}: ${bounds}`);
  let plan: PlanJson;
  try {
    plan = JSON.parse(text) as PlanJson;
  } catch {
    throw new AuditInputError(`${file}: not JSON; expected the output of terraform show -json PLANFILE`);
  }
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan))
    throw new AuditInputError(
      `${file}: not a JSON object; expected the output of terraform show -json PLANFILE`,
    );
  if (typeof plan.format_version !== 'string' || !/^1\./.test(plan.format_version))
    throw new AuditInputError(
      `${file}: format_version ${JSON.stringify(plan.format_version)?.slice(0, 40)} is not a plan JSON format 1.x (terraform show -json PLANFILE)`,
    );
  if (plan.planned_values === undefined && plan.resource_changes === undefined)
    throw new AuditInputError(
      `${file}: not a plan — it has neither planned_values nor resource_changes (terraform show -json of a state file has values); expected terraform show -json PLANFILE`,
    );
  for (const list of LISTS) {
    const v = plan[list];
    if (
      v !== undefined &&
      (!Array.isArray(v) ||
        !v.every((rc) => typeof rc?.address === 'string' && Array.isArray(rc?.change?.actions)))
    )
      throw new AuditInputError(`${file}: ${list} is not a list of changes with addresses and actions`);
  }
  if (
    plan.output_changes !== undefined &&
    (typeof plan.output_changes !== 'object' || plan.output_changes === null)
  )
    throw new AuditInputError(`${file}: output_changes is not an object`);
  if (plan.errored === true)
    throw new AuditInputError(
      `${file}: the plan errored (errored: true): Terraform could not finish it, so it cannot be applied and what it lists is not all it would do; fix what terraform plan said and plan again`,
    );
  const acts = (rc: { change: { actions: readonly string[] } }) =>
    rc.change.actions.some((a) => a !== 'no-op' && a !== 'read');
  if (
    plan.applyable === false &&
    ((plan.resource_changes ?? []).some(acts) ||
      Object.values(plan.output_changes ?? {}).some((o) => (o.actions ?? []).some((a) => a !== 'no-op')))
  )
    throw new AuditInputError(
      `${file}: the plan says it cannot be applied (applyable: false) yet lists changes: not a plan Terraform would apply`,
    );
  return plan;
}

export function planChanges(plan: PlanJson, artifact: string, stack?: string): Change[] {
  const secrets = new SecretMatcher([...planSecrets(plan)].filter((s) => s.length >= 3));
  // the provisioners each resource's configuration runs: in no resource change, only here
  const provisioners = new Map(
    (plan.configuration?.root_module?.resources ?? []).flatMap((r) =>
      r.address && r.provisioners?.length
        ? [[r.address, [...new Set(r.provisioners.map((p) => String(p.type)))].sort()] as const]
        : [],
    ),
  );
  const changes = [
    ...(plan.resource_changes ?? []).map((rc) => toChange(artifact, stack, rc, false, secrets, provisioners)),
    ...(plan.resource_drift ?? []).map((rc) => toChange(artifact, stack, rc, true, secrets)),
    ...Object.entries(plan.output_changes ?? {}).map(([name, oc]) =>
      outputChange(artifact, stack, name, oc, secrets),
    ),
  ].filter((c): c is Change => c !== null);
  if (plan.complete === false)
    changes.push({
      area: 'plan',
      artifact,
      ...(stack ? { stack } : {}),
      kind: 'plan',
      id: 'incomplete',
      action: 'change',
      summary:
        'the plan is incomplete (complete: false): some changes are deferred until after this apply; plan and review again after it',
      attributes: [],
      facts: { of: 'plan-output', actions: 'deferred', sensitive: false },
    });
  return changes;
}
