/**
 * What the audit diff finds: one change to one object (a Terraform resource, a CloudFormation
 * resource, a server, a site, an alert, …), keyed by the object's stable identity, with the
 * attributes that changed and the facts the risk rules read. Every differ returns these; the
 * risk rules rank them; the formats print them.
 */

/** Where a change was found. */
export type Area = 'terraform' | 'cloudformation' | 'inventory' | 'network' | 'monitoring' | 'plan';

/** What happens to the object: replace is a delete and a create of the same identity. */
export type Action = 'add' | 'remove' | 'change' | 'replace' | 'drift';

/** A value as it is shown: sensitive values never leave the differ, only this marker. */
export const SENSITIVE = '(sensitive value)';

export interface AttributeChange {
  /** The attribute's path, e.g. spec.template.spec.container[name=api].image. */
  readonly path: string;
  /** The value before and after, as short text; absent when the attribute was not there. */
  readonly before?: string;
  readonly after?: string;
  /** This attribute alone forces the object to be replaced, and where that is written. */
  readonly forcesReplacement?: string;
  readonly sensitive?: boolean;
}

/** Facts a risk rule reads beyond the action (numbers before and after, what widened, …). */
export type Facts = Readonly<Record<string, string | number | boolean | readonly string[]>>;

export interface Change {
  readonly area: Area;
  /** The artifact the change is in, e.g. terraform/stacks/apps/cdk.tf.json. */
  readonly artifact: string;
  /** The Terraform or CloudFormation stack, when there is one. */
  readonly stack?: string;
  /** The object's kind: a resource type, `server`, `site`, `alert`, … */
  readonly kind: string;
  /** The object's stable identity within its kind: a resource address, a server name, … */
  readonly id: string;
  readonly action: Action;
  /** One line saying what happened. */
  readonly summary: string;
  readonly attributes: readonly AttributeChange[];
  readonly facts: Facts;
  /**
   * The object as configured before and after, for the risk rules to inspect (a policy's rules,
   * a service's type). Never printed: the formats print only the attributes above.
   */
  readonly objects?: { readonly before?: unknown; readonly after?: unknown };
}

/** A change's key: the same object in the same artifact is one change. */
export const changeKey = (c: Pick<Change, 'artifact' | 'kind' | 'id'>) =>
  `${c.artifact}\u0000${c.kind}\u0000${c.id}`;

/** Changes in a stable order: by artifact, kind, then id. */
export function sortChanges<T extends Change>(changes: readonly T[]): T[] {
  return [...changes].sort((a, b) => {
    const x = changeKey(a);
    const y = changeKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The value at a path of keys inside parsed JSON (a template, a resource's configuration); undefined on the way. */
export const valueAt = (v: unknown, ...keys: readonly (string | number)[]): unknown =>
  keys.reduce<unknown>(
    (x, k) => (x && typeof x === 'object' ? (x as Record<string | number, unknown>)[k] : undefined),
    v,
  );
