/**
 * The network's diff, from the topology each side synthesized (network/topology.json): points
 * (sites) and links added or removed, a site renumbered (its prefix, gateway or loopback
 * changed: every device and firewall rule that knows its old address breaks), a link's prefix,
 * speed or role changed.
 */
import { attributeChanges } from './attribute-diff.ts';
import type { Change } from './change.ts';

export const TOPOLOGY_FILE = 'network/topology.json';

interface Node {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  readonly prefix?: string | null;
  readonly gateway?: string | null;
  readonly loopback?: string | null;
}
interface Link {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly prefix?: string | null;
}
export interface Topology {
  readonly nodes?: readonly Node[];
  readonly links?: readonly Link[];
}

const ADDRESSES = ['prefix', 'gateway', 'loopback'] as const;

export function diffNetwork(before: Topology, after: Topology): Change[] {
  const changes: Change[] = [];
  const diffList = <T extends { id: string }>(
    kind: 'site' | 'link',
    a: readonly T[],
    b: readonly T[],
    describe: (x: T) => string,
  ) => {
    const ma = new Map(a.map((x) => [x.id, x]));
    const mb = new Map(b.map((x) => [x.id, x]));
    for (const id of [...new Set([...ma.keys(), ...mb.keys()])].sort()) {
      const x = ma.get(id);
      const y = mb.get(id);
      const base = { area: 'network' as const, artifact: TOPOLOGY_FILE, kind, id };
      if (!x || !y) {
        const it = (x ?? y) as T;
        changes.push({
          ...base,
          action: x ? 'remove' : 'add',
          summary: `${kind} ${describe(it)} ${x ? 'removed' : 'added'}`,
          attributes: [],
          facts: {
            of: 'network-object',
            prefix: String((it as { prefix?: unknown }).prefix ?? ''),
            renumbered: false,
          },
        });
        continue;
      }
      const attributes = attributeChanges(x, y);
      if (attributes.length === 0) continue;
      const renumbered = attributes.filter((c) => (ADDRESSES as readonly string[]).includes(c.path));
      changes.push({
        ...base,
        action: 'change',
        summary:
          renumbered.length > 0
            ? `${kind} ${describe(y)} renumbered: ${renumbered.map((c) => `${c.path} ${c.before ?? '—'} → ${c.after ?? '—'}`).join(', ')}`
            : `${kind} ${describe(y)} changed: ${attributes.map((c) => `${c.path} ${c.before ?? '—'} → ${c.after ?? '—'}`).join(', ')}`,
        attributes,
        facts: {
          of: 'network-object',
          prefix: String((y as { prefix?: unknown }).prefix ?? ''),
          renumbered: renumbered.length > 0,
        },
      });
    }
  };
  diffList('site', before.nodes ?? [], after.nodes ?? [], (n) => `${n.id} (${n.level}, ${n.name})`);
  diffList('link', before.links ?? [], after.links ?? [], (l) => l.id);
  return changes;
}
