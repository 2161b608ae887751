import { describe, expect, it } from 'vitest';
import { appFitsItsRequest } from '../../../model/rules/app-fits-its-request.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

const withApp = (pod: { cpuCores: number; memoryGiB: number }, portal = false) => {
  const city = smallCity();
  city.tenants[0].app = { image: 'registry.hcmc.gov.vn/t1/app:1.0', pod };
  if (portal) city.publicServices.portalTenant = 't1';
  return city;
};

describe('app-fits-its-request', () => {
  it('is not applicable when no tenant declares an app', () => {
    expect(appFitsItsRequest(modelOf(smallCity()))).toEqual({ status: 'not-applicable' });
  });

  it('is compliant when the request holds the floor of pods', () => {
    expect(appFitsItsRequest(modelOf(withApp({ cpuCores: 2, memoryGiB: 8 })))).toEqual({
      status: 'compliant',
    });
  });

  it('finds an app whose request holds fewer pods than its pool’s criticality needs', () => {
    // the request is 100 cores and 800 GiB in a high pool: room for 1 pod of 60 cores, 2 needed
    expect(violationLines(appFitsItsRequest, withApp({ cpuCores: 60, memoryGiB: 400 }))).toEqual([
      'tenants[t1]: the request in pool web (100 cores, 800 GiB) holds 1 pods of 60 cores and 400 GiB; room for at least 2 pods (high pool): a larger request or a smaller pod',
    ]);
  });

  it('finds an app with no request at all', () => {
    const city = withApp({ cpuCores: 1, memoryGiB: 2 });
    city.tenants[0].requests = [];
    expect(violationLines(appFitsItsRequest, city)).toEqual([
      "tenants[t1]: tenant t1 declares an app but requests nothing; a request in the app's pool",
    ]);
  });

  it('finds a portal tier that cannot hold the pods its availability needs', () => {
    // tier 1 (99.9%) has 1 of 6 services, 2 of 10 weight: 20 cores, room for 0 pods of 30; tier 2 holds its 2
    expect(violationLines(appFitsItsRequest, withApp({ cpuCores: 30, memoryGiB: 200 }, true))).toEqual([
      "tenants[t1]: tier 1 (critical, 1 services) gets 20% of the portal's request, room for 0 pods of 30 cores and 200 GiB; at least 3 pods for 99.9% availability: a larger request or a smaller pod",
    ]);
  });
});
