import { describe, expect, it } from 'vitest';
import { stackResourceBound } from '../../../model/rules/stack-resource-bound.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('stack-resource-bound', () => {
  it('is compliant when every row’s stack is within the bound', () => {
    expect(stackResourceBound(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without servers', () => {
    const city = smallCity();
    for (const r of city.datacentre.halls[0].rows[0].racks) r.servers = [];
    city.warehouses = [];
    city.tenants = [];
    expect(stackResourceBound(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('finds a row whose servers’ labels and taints pass the bound', () => {
    // 8 web servers (a label each) and 6 warehouse servers (a label and a taint each): 20; and 3 x 46 more web
    const city = smallCity();
    city.stacks = { maxResources: 150 };
    city.datacentre.rackDefaults.heightU = 60;
    for (const r of city.datacentre.halls[0].rows[0].racks)
      r.servers.push(
        { u: 14, count: 11, model: 'm1', pool: 'web' },
        { u: 25, count: 5, model: 'm1', pool: 'web' },
        { u: 30, count: 30, model: 'm1', pool: 'web' },
      );
    city.datacentre.rackDefaults.powerBudgetW = 100000;
    expect(violationLines(stackResourceBound, city)).toEqual([
      'datacentre.halls[h1].rows[r01]: row h1-r01 makes a platform stack of 158 resources (a Node label set per server, a taint per server of a dedicated pool); at most stacks.maxResources (150): split the row, or raise the bound',
    ]);
  });
});
