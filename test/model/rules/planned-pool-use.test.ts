import { describe, expect, it } from 'vitest';
import { deployedModel, loadCity, serversInService, tenantsInService } from '../../../model/index.ts';
import { plannedPoolUse } from '../../../model/rules/planned-pool-use.ts';
import { findingLines, modelOf, type RawCity, smallCity, writeCity } from '../../helpers/city.ts';

/** The small city with a planned phase that pool web belongs to. */
function planned(): RawCity {
  const city = smallCity();
  city.phases = [
    { id: 'now', name: 'Now', status: 'in-service' },
    { id: 'plan', name: 'The plan', status: 'planned' },
  ];
  city.pools[0].phase = 'plan';
  return city;
}

describe('planned-pool-use', () => {
  it('is compliant when nothing stands on a planned pool', () => {
    expect(plannedPoolUse(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('refuses a tenant in service that requests a planned pool, and takes one of that phase', () => {
    const city = planned();
    expect(plannedPoolUse(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'tenants[t1].requests[web]',
          field: 'pool',
          message: 'requests pool web, which is planned (phase plan) while the tenant is in phase now',
          expected: "phase: plan on the tenant (it arrives with the pool), or pool web's phase in service",
        },
      ],
    });
    city.tenants[0].phase = 'plan';
    expect(plannedPoolUse(modelOf(city))).toEqual({ status: 'compliant' });
    city.phases[1].status = 'in-service';
    city.tenants[0].phase = 'now';
    expect(plannedPoolUse(modelOf(city))).toEqual({ status: 'compliant' });
  });

  it('refuses a warehouse on a planned pool', () => {
    const city = planned();
    city.pools[0].phase = 'now';
    city.pools[1].phase = 'plan';
    const result = plannedPoolUse(modelOf(city));
    expect(result).toMatchObject({
      status: 'non-compliant',
      violations: [{ path: 'warehouses[wa]', field: 'pool' }],
    });
  });

  it('refuses a server in service in a planned pool, once per range', () => {
    const city = planned();
    city.tenants[0].phase = 'plan';
    city.datacentre.halls[0].rows[0].racks[0].phase = 'now';
    const result = plannedPoolUse(modelOf(city));
    expect(result).toMatchObject({
      status: 'non-compliant',
      violations: [
        {
          field: 'phase',
          message: 'is in service (phase now) in pool web, which is planned (phase plan)',
        },
      ],
    });
  });

  it('is reported by validate at the line of the request', () => {
    const city = planned();
    const lines = findingLines(loadCity(writeCity({ 'city.yaml': city })));
    expect(lines.filter((l) => l.includes('CC024'))).toEqual([
      expect.stringMatching(
        /^city\.yaml:\d+:\d+: error CC024 tenants\[t1\]\.requests\[web\]: requests pool web/,
      ),
    ]);
  });
});

describe('the rules of what servers hold, on what is in service', () => {
  it('refuse requests in service that only the planned servers could hold', () => {
    const city = smallCity();
    city.phases = [
      { id: 'now', name: 'Now', status: 'in-service' },
      { id: 'plan', name: 'The plan', status: 'planned' },
    ];
    // web's second rack is the plan's: its 4 servers do not exist yet
    city.datacentre.halls[0].rows[0].racks[1].phase = 'plan';
    const lines = findingLines(loadCity(writeCity({ 'city.yaml': city })));
    expect(lines.filter((l) => l.includes('CC005'))).toEqual([
      expect.stringMatching(
        /^city\.yaml:\d+:\d+: error CC005 pools\[web\]: in service \(planned phases left out\): tenant t1 request 100 cores/,
      ),
      expect.stringMatching(
        /^city\.yaml:\d+:\d+: error CC005 pools\[web\]: in service \(planned phases left out\): tenant t1 request 800 GiB/,
      ),
    ]);
    // the whole model, the plan built, fits: the same rule says nothing of it
    expect(lines.filter((l) => l.includes('CC005') && !l.includes('in service'))).toEqual([]);
  });
});

describe('what is deployed', () => {
  it('leaves out the servers and tenants of planned phases, and is the same model without any', () => {
    const all = modelOf(smallCity());
    expect(deployedModel(all)).toBe(all);
    const city = planned();
    city.tenants[0].phase = 'plan';
    const model = modelOf(city);
    const deployed = deployedModel(model);
    const web = model.servers.filter((s) => s.pool === 'web');
    expect(web.length).toBeGreaterThan(0);
    expect(deployed.servers).toEqual(model.servers.filter((s) => s.pool !== 'web'));
    expect(serversInService(model)).toEqual(deployed.servers);
    expect(deployed.tenants).toEqual([]);
    expect(tenantsInService(model)).toEqual([]);
    // still in the model, and counted
    expect(model.servers).toHaveLength(deployed.servers.length + web.length);
  });
});
