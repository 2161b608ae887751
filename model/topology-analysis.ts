/**
 * What each connection point's path to the core depends on. Wards and units are stub sites: they
 * carry no traffic for others, so paths run over the transit graph (core sites, district hubs,
 * department sites) from a virtual root joined to every core site. One depth-first search from
 * the root with Tarjan's low-links (O(V+E)) finds, for every transit point, the cut vertices and
 * bridges between it and the root: exactly the single failures that cut it off from the core.
 * A stub site depends on what all of its uplinks depend on.
 *
 * cytoscape's hopcroftTarjanBiconnected gives the same decomposition but builds collections per
 * node: it took 1.8 s on the 10x city's 500-point transit graph, so the search is done here on
 * plain arrays.
 */
import { memoByModel } from './memo-by-model.ts';
import type { CityModel, PointLevel } from './types.ts';

const TRANSIT: ReadonlySet<PointLevel> = new Set(['core', 'district', 'agency']);

/** Single failures that cut a point off from the core; both empty when it has redundant paths. */
export interface Dependence {
  readonly points: readonly string[];
  /** Link ids. */
  readonly links: readonly string[];
}

export interface TopologyAnalysis {
  /** Every point that reaches the core, with what its path depends on. */
  readonly dependsOn: ReadonlyMap<string, Dependence>;
  /** Points with no path to the core at all. */
  readonly unreachable: ReadonlySet<string>;
}

export const isTransit = (level: PointLevel) => TRANSIT.has(level);

/** The analysis of a model's network (computed once per model). */
export const analyseTopology = memoByModel(analyse);

/** `point x and link y`: the single failures of a dependence, for messages. */
export function describeDependence(d: Dependence, join: 'and' | 'or'): string {
  return [...d.points.map((x) => `point ${x}`), ...d.links.map((x) => `link ${x}`)].join(` ${join} `);
}

/** Whether a dependence names any single failure at all. */
export const hasSingleFailure = (d: Dependence | undefined): d is Dependence =>
  d !== undefined && d.points.length + d.links.length > 0;

function analyse(model: CityModel): TopologyAnalysis {
  const { points, links } = model.network;
  const level = new Map(points.map((p) => [p.id, p.level]));

  // the transit graph as adjacency lists; vertex 0 is the root, joined to every core site
  const transit = points.filter((p) => isTransit(p.level));
  const index = new Map(transit.map((p, i) => [p.id, i + 1]));
  const names = ['', ...transit.map((p) => p.id)];
  const adjacent: { to: number; edge: number }[][] = names.map(() => []);
  const edgeLink: (string | null)[] = [];
  const addEdge = (a: number, b: number, link: string | null) => {
    const edge = edgeLink.push(link) - 1;
    adjacent[a]?.push({ to: b, edge });
    adjacent[b]?.push({ to: a, edge });
  };
  for (const p of transit) if (p.level === 'core') addEdge(0, index.get(p.id) as number, null);
  for (const l of links) {
    const a = index.get(l.from);
    const b = index.get(l.to);
    if (a !== undefined && b !== undefined && a !== b) addEdge(a, b, l.id);
  }

  // iterative DFS from the root: discovery order, low-links, tree parent and the edge to it
  const n = names.length;
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const parentEdge = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  let time = 0;
  disc[0] = low[0] = time++;
  const stack = [0];
  while (stack.length > 0) {
    const v = stack[stack.length - 1] as number;
    const edges = adjacent[v] as { to: number; edge: number }[];
    const i = next[v] as number;
    if (i < edges.length) {
      next[v] = i + 1;
      const { to, edge } = edges[i] as { to: number; edge: number };
      if (edge === parentEdge[v]) continue; // parallel links are separate edges, so they still count
      if (disc[to] === -1) {
        disc[to] = low[to] = time++;
        parent[to] = v;
        parentEdge[to] = edge;
        stack.push(to);
      } else low[v] = Math.min(low[v] as number, disc[to] as number);
    } else {
      stack.pop();
      const u = parent[v] as number;
      if (u >= 0) low[u] = Math.min(low[u] as number, low[v] as number);
    }
  }

  const dependsOn = new Map<string, Dependence>();
  const unreachable = new Set<string>();
  for (let x = 1; x < n; x++) {
    const id = names[x] as string;
    if (disc[x] === -1) {
      unreachable.add(id);
      continue;
    }
    const via: string[] = [];
    const over: string[] = [];
    // up the tree: u separates x from the root when the child c on the path has low[c] ≥ disc[u]
    for (let c = x; (parent[c] as number) >= 0; c = parent[c] as number) {
      const u = parent[c] as number;
      const lowC = low[c] as number;
      if (u !== 0 && lowC >= (disc[u] as number)) via.push(names[u] as string);
      const link = edgeLink[parentEdge[c] as number];
      if (lowC > (disc[u] as number) && link) over.push(link);
    }
    dependsOn.set(id, { points: via, links: over });
  }

  // stub sites: what every one of their uplinks depends on
  const uplinksOf = new Map<string, { to: string; link: string }[]>();
  for (const l of links) {
    const a = level.get(l.from);
    const b = level.get(l.to);
    if (!a || !b || l.from === l.to) continue;
    if (!isTransit(a) && isTransit(b))
      uplinksOf.set(l.from, [...(uplinksOf.get(l.from) ?? []), { to: l.to, link: l.id }]);
    if (isTransit(a) && !isTransit(b))
      uplinksOf.set(l.to, [...(uplinksOf.get(l.to) ?? []), { to: l.from, link: l.id }]);
  }
  for (const p of points) {
    if (isTransit(p.level)) continue;
    const ups = (uplinksOf.get(p.id) ?? []).filter((u) => dependsOn.has(u.to));
    if (ups.length === 0) {
      unreachable.add(p.id);
      continue;
    }
    // each uplink fails with its target, its own link, or anything its target depends on
    const failures = ups.map((u) => {
      const d = dependsOn.get(u.to) as Dependence;
      return new Set([
        `p:${u.to}`,
        `l:${u.link}`,
        ...d.points.map((x) => `p:${x}`),
        ...d.links.map((x) => `l:${x}`),
      ]);
    });
    const [first, ...rest] = failures;
    const all = [...(first ?? [])].filter((x) => rest.every((f) => f.has(x)));
    dependsOn.set(p.id, {
      points: all.filter((x) => x.startsWith('p:')).map((x) => x.slice(2)),
      links: all.filter((x) => x.startsWith('l:')).map((x) => x.slice(2)),
    });
  }
  return { dependsOn, unreachable };
}
