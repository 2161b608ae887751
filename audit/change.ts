/**
 * What the audit diff finds: one change to one object (a Terraform resource, a CloudFormation
 * resource, a server, a site, an alert, …), keyed by the object's stable identity, with the
 * attributes that changed and the facts the risk rules read. Every differ returns these; the
 * risk rules rank them; the formats print them.
 */
import type { BackupPromise } from '../model/index.ts';

/** Where a change was found. */
export type Area =
  | 'terraform'
  | 'cloudformation'
  | 'inventory'
  | 'network'
  | 'monitoring'
  | 'plan'
  | 'output';

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

/** The top-level blocks of a Terraform JSON configuration besides `resource`. */
export type TerraformBlock =
  | 'backend'
  | 'required-provider'
  | 'terraform-setting'
  | 'provider'
  | 'data'
  | 'module'
  | 'output'
  | 'local'
  | 'variable'
  | 'import'
  | 'moved'
  | 'removed'
  | 'check'
  | 'other';

/** The policies of the inventory that are not resources, diffed from the model. */
export type Policy =
  | 'state-backend'
  | 'require-review'
  | 'four-eyes'
  | 'upgrade-window'
  | 'residency'
  | 'disabled-alerts';

/**
 * What a risk rule reads beyond the action, one shape per kind of object (`of` says which): a
 * misspelt fact, or one read from the wrong kind of change, fails the type check.
 */
export type Facts =
  | {
      readonly of: 'terraform-resource';
      readonly type: string;
      readonly constructPath: string;
      /** Added or removed whole: whether it holds a secret (never printed whole). */
      readonly holdsSecret?: boolean;
      /** Added: whether its namespace was in the stack before. */
      readonly namespaceExisted?: boolean;
      /** The provisioners its configuration (after) runs, by type: commands on the machine that applies. */
      readonly provisioners?: readonly string[];
    }
  | {
      readonly of: 'terraform-block';
      readonly block: TerraformBlock;
      /** A provider's, module's or required provider's source (`source@version`), before and after. */
      readonly sourceBefore?: string;
      readonly sourceAfter?: string;
      /** The state backend's type, before and after. */
      readonly backendBefore?: string;
      readonly backendAfter?: string;
    }
  | {
      readonly of: 'plan-resource';
      readonly type: string;
      readonly actions: string;
      readonly actionReason: string;
      /** The deposed object's key, when the change is to a deposed object. */
      readonly deposed?: string;
      /** Imported into the state by this plan. */
      readonly importing?: boolean;
      /** Its address before a `moved` block moved it. */
      readonly movedFrom?: string;
      /** The provisioners its configuration runs (from the plan's configuration), by type. */
      readonly provisioners?: readonly string[];
    }
  | { readonly of: 'plan-output'; readonly actions: string; readonly sensitive: boolean }
  | { readonly of: 'plan-read'; readonly type: string; readonly actionReason: string }
  | {
      readonly of: 'cloudformation-resource';
      readonly type: string;
      readonly bucket?: {
        readonly lockDaysBefore: number;
        readonly lockDaysAfter: number;
        readonly noncurrentDaysBefore: number;
        readonly noncurrentDaysAfter: number;
        readonly publicBlockedBefore: boolean;
        readonly publicBlockedAfter: boolean;
      };
      readonly bucketPolicy?: { readonly anyoneBefore: boolean; readonly anyoneAfter: boolean };
    }
  | { readonly of: 'iam-statement'; readonly broadens: boolean }
  | { readonly of: 'security-group-rule'; readonly widens: boolean }
  | { readonly of: 'rack'; readonly servers: number; readonly pools: readonly string[] }
  | { readonly of: 'server'; readonly pool: string; readonly poolBefore?: string; readonly moved?: boolean }
  | {
      readonly of: 'pool';
      readonly belowHeadroomBefore: boolean;
      readonly belowHeadroomAfter: boolean;
      /** What is short, when it is below its headroom after. */
      readonly shortfall?: string;
      readonly serversBefore?: number;
      readonly coresBefore?: number;
      readonly serversAfter?: number;
      readonly coresAfter?: number;
      readonly spareAfter?: number;
      readonly limitAfter?: number;
    }
  | {
      readonly of: 'warehouse';
      readonly classification: string;
      readonly replicasBefore?: number;
      readonly shardsBefore?: number;
      readonly storageTiBBefore?: number;
      readonly replicasAfter?: number;
      readonly shardsAfter?: number;
      readonly storageTiBAfter?: number;
      readonly newDestinations: readonly string[];
      /** What its backups promise and where they go, before and after (a model without: absent). */
      readonly backupBefore?: WarehouseBackupFacts;
      readonly backupAfter?: WarehouseBackupFacts;
    }
  | { readonly of: 'offsite'; readonly retentionDaysBefore: number; readonly retentionDaysAfter: number }
  | {
      readonly of: 'policy';
      readonly policy: Policy;
      /** The policy's value before and after, as text (sensitive values never: there are none). */
      readonly before: string;
      readonly after: string;
      /** For a list (countries, alerts): what it gained and lost. */
      readonly added: readonly string[];
      readonly removed: readonly string[];
    }
  | { readonly of: 'reviewer'; readonly principals: string; readonly key: string }
  | {
      readonly of: 'provider-lock';
      readonly address: string;
      readonly versionBefore?: string;
      readonly versionAfter?: string;
      readonly hashesChanged: boolean;
    }
  | { readonly of: 'network-object'; readonly prefix: string; readonly renumbered: boolean }
  | {
      readonly of: 'alert';
      readonly severity: string;
      /** How it was loosened (threshold, for, severity), one phrase each. */
      readonly loosened: readonly string[];
      /** Only its threshold changed (what audit/derived-changes.ts can explain). */
      readonly thresholdOnly: boolean;
      readonly thresholdAfter: number;
      readonly pool: string;
      /** Its threshold follows the pool's headroom after the inventory changed. */
      readonly followsInventory?: boolean;
    }
  | { readonly of: 'monitoring-object' }
  | {
      readonly of: 'file';
      /** The file is not one synth writes (no artifactRole): a tool may read it, no differ can. */
      readonly unknown: true;
    };

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

/** A warehouse's backup promise as the diff reads it (the model's, without its path), and its target. */
export type WarehouseBackupFacts = Omit<BackupPromise, 'path'> & { readonly backupTo: string };
