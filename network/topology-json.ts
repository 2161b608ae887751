/** out/network/topology.json: nodes (with their addresses) and links, one per line. */
import type { CityModel } from '../model/index.ts';
import { toDiffableJson } from '../view/diffable-json.ts';
import type { Artifact } from '../view/view.ts';
import { networkTable } from './network-table.ts';

export interface TopologyNode {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  readonly parent: string | null;
  readonly district: string | null;
  readonly agency: string | null;
  readonly code: string | null;
  readonly block: string | null;
  readonly prefix: string | null;
  readonly gateway: string | null;
  readonly loopback: string | null;
  readonly vlan: number | null;
}

export interface TopologyLink {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly role: string;
  readonly mbps: number;
  readonly medium: string;
  readonly prefix: string | null;
}

export function topologyData(model: CityModel): { nodes: TopologyNode[]; links: TopologyLink[] } {
  const t = networkTable(model);
  return {
    nodes: t.sites.map((s) => ({
      id: s.point.id,
      name: s.point.name,
      level: s.point.level,
      parent: s.point.parent,
      district: s.point.district,
      agency: s.point.agency,
      code: s.point.code,
      block: s.block,
      prefix: s.prefix,
      gateway: s.gateway,
      loopback: s.loopback,
      vlan: s.vlan,
    })),
    links: t.links.map((l) => ({
      id: l.link.id,
      from: l.link.from,
      to: l.link.to,
      role: l.link.role,
      mbps: l.link.mbps,
      medium: l.link.medium,
      prefix: l.prefix,
    })),
  };
}

export function topologyJson(model: CityModel): Artifact {
  return { path: 'network/topology.json', content: toDiffableJson(topologyData(model)) };
}
