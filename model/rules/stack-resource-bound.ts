/**
 * No Terraform stack exceeds the inventory's bound: the platform has a stack per row of racks,
 * so a row whose servers' Node labels and taints pass `stacks.maxResources` makes a stack that
 * plans slowly and fails as one. (Warehouses cut their shards into stacks within the bound.)
 */
import { rowResources, serversByRow } from '../stack-bounds.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf, type Violation } from './rule.ts';

export function stackResourceBound(model: CityModel): RuleResult {
  const bound = model.stacks.maxResources;
  const v: Violation[] = [];
  for (const [key, servers] of serversByRow(model)) {
    const n = rowResources(model, servers);
    const { hall, row } = servers[0] as (typeof servers)[number];
    if (n > bound)
      v.push({
        path: `datacentre.halls[${hall}].rows[${row}]`,
        message: `row ${key} makes a platform stack of ${n.toLocaleString('en-US')} resources (a Node label set per server, a taint per server of a dedicated pool)`,
        expected: `at most stacks.maxResources (${bound.toLocaleString('en-US')}): split the row, or raise the bound`,
      });
  }
  return resultOf(model.servers.length > 0, v);
}
