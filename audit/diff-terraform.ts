/**
 * The semantic diff of one Terraform JSON stack (cdktf's cdk.tf.json): resources keyed by address
 * (type.name), added, removed, or changed attribute by attribute, each changed attribute saying
 * whether the Kubernetes provider replaces the resource for it.
 */
import { attributeChanges, holdsSecret, leafAttributes, type Segment, schemaPath } from './attribute-diff.ts';
import type { Change } from './change.ts';
import { diffTerraformBlocks } from './diff-terraform-blocks.ts';
import { kubernetesForceNew } from './kubernetes-force-new.ts';
import { parsedStack, type StackResources } from './terraform-index.ts';

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** cdktf's per-resource metadata (construct path, unique id): not configuration. */
const METADATA = new Set(['//']);

const constructPath = (r: Record<string, unknown> | undefined) =>
  ((r?.['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? '') as string;

/** The provisioners a resource's configuration runs (local-exec, remote-exec, file), by type. */
function provisionersOf(config: Record<string, unknown> | undefined): string[] {
  const blocks = config?.provisioner;
  const list = Array.isArray(blocks) ? blocks : blocks ? [blocks] : [];
  return [...new Set(list.flatMap((b) => (b && typeof b === 'object' ? Object.keys(b) : [])))].sort();
}

/** The resource's Kubernetes object, for a summary line: kind namespace/name. */
function objectName(config: Record<string, unknown> | undefined): string {
  const m = config?.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (!m || typeof m.name !== 'string') return '';
  return typeof m.namespace === 'string' ? `${m.namespace}/${m.name}` : m.name;
}

export function diffTerraformStack(
  artifact: string,
  stack: string,
  before: TerraformJson | StackResources | undefined,
  after: TerraformJson | StackResources | undefined,
): Change[] {
  const a = before && 'addresses' in before ? before : parsedStack(before as TerraformJson | undefined);
  const b = after && 'addresses' in after ? after : parsedStack(after as TerraformJson | undefined);
  // every block, not only the resources: a backend or a provider moved is a change of everything
  const changes: Change[] = diffTerraformBlocks(artifact, stack, a.blocks(), b.blocks());
  const addresses = [...new Set([...a.addresses.keys(), ...b.addresses.keys()])].sort();
  for (const address of addresses) {
    const inA = a.addresses.get(address);
    const inB = b.addresses.get(address);
    if (inA && inB && a.same(address, b)) continue;
    const type = (inA ?? inB)?.type as string;
    const old = inA ? a.config(address) : undefined;
    const now = inB ? b.config(address) : undefined;
    const base = { area: 'terraform' as const, artifact, stack, kind: type, id: address };
    const shown = objectName(now ?? old);
    const what = `${address}${shown ? ` (${shown})` : ''}`;
    const facts = { of: 'terraform-resource' as const, type, constructPath: constructPath(now ?? old) };
    if (!old || !now) {
      const namespace = (now?.metadata as { namespace?: unknown } | undefined)?.namespace;
      const provisioners = provisionersOf(now);
      changes.push({
        ...base,
        action: old ? 'remove' : 'add',
        summary: `${what} ${old ? 'removed' : 'added'}${provisioners.length ? ` with provisioners (${provisioners.join(', ')})` : ''}`,
        // what it holds, leaf by leaf: a reviewer sees what a new resource does, not only its name
        attributes: leafAttributes(old ?? now, old ? 'before' : 'after', { ignoreKeys: METADATA }),
        facts: {
          ...facts,
          holdsSecret: holdsSecret(old ?? now),
          // the namespaces the stack had before: a resource added to one changes what was there
          namespaceExisted: typeof namespace === 'string' && a.hasNamespace(namespace),
          ...(provisioners.length ? { provisioners } : {}),
        },
        objects: { before: old, after: now },
      });
      continue;
    }
    const attributes = attributeChanges(old, now, {
      ignoreKeys: METADATA,
      forcesReplacement: (path: readonly Segment[]) => kubernetesForceNew(type, schemaPath(path), old),
    });
    if (attributes.length === 0) continue;
    const forcing = attributes.filter((x) => x.forcesReplacement);
    const provisioners = provisionersOf(now);
    changes.push({
      ...base,
      action: forcing.length > 0 ? 'replace' : 'change',
      summary:
        forcing.length > 0
          ? `${what} replaced: ${forcing.map((x) => x.path).join(', ')} cannot change in place`
          : `${what} changed: ${attributes
              .slice(0, 3)
              .map((x) => x.path)
              .join(', ')}${attributes.length > 3 ? ` and ${attributes.length - 3} more` : ''}`,
      attributes,
      facts: provisioners.length ? { ...facts, provisioners } : facts,
      objects: { before: old, after: now },
    });
  }
  return changes;
}
