import { describe, expect, it } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { referencesResolve } from '../../../model/rules/references-resolve.ts';
import {
  findingLines,
  modelOf,
  type RawCity,
  smallCity,
  smallCityEdited,
  violationLines,
} from '../../helpers/city.ts';

const messagesOf = (city: RawCity) => violationLines(referencesResolve, city);

describe('references-resolve', () => {
  it('is compliant when every reference resolves', () => {
    expect(referencesResolve(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it.each([
    [
      'a server range with an unknown pool (once per range)',
      (c: RawCity) => {
        c.datacentre.halls[0].rows[0].racks[0].servers[0].pool = 'wbe';
      },
      'datacentre.halls[h1].rows[r01].racks[k01].servers[u01]: pool "wbe" is not a known pool; one of the pools: web, wh-a',
    ],
    [
      'a server range with an unknown model',
      (c: RawCity) => {
        c.datacentre.halls[0].rows[0].racks[2].servers[0].model = 'm9';
      },
      'datacentre.halls[h1].rows[r01].racks[k03].servers[u10]: model "m9" is not a known server model; one of the server models: m1, m2',
    ],
    [
      'a portal tenant that does not exist',
      (c: RawCity) => {
        c.publicServices.portalTenant = 't2';
      },
      'publicServices: portalTenant "t2" is not a known tenant; one of the tenants: t1',
    ],
    [
      'a portal tenant without an app',
      (c: RawCity) => {
        c.publicServices.portalTenant = 't1';
      },
      'publicServices: portal tenant t1 declares no app; an app block (image, pod) on tenant t1, which the portal runs',
    ],
    [
      'a warehouse on an unknown pool',
      (c: RawCity) => {
        c.warehouses[0].pool = 'wh-b';
      },
      'warehouses[wa]: pool "wh-b" is not a known pool; one of the pools: web, wh-a',
    ],
    [
      'a warehouse connector to an unknown system',
      (c: RawCity) => {
        c.warehouses[0].connectsTo = ['nowhere'];
      },
      'warehouses[wa]: connectsTo "nowhere" is not a known external system; one of the external systems: national-db',
    ],
    [
      'a ward backup via an unknown hub',
      (c: RawCity) => {
        c.network.districts[0].wardBackupVia = 'd009';
      },
      'network.districts[d001].wardBackupVia: uplinks from w10001, w10002 go to "d009", which is not a connection point; the id of a core site, district hub, ward, agency or unit',
    ],
    [
      'a service block of an unknown agency',
      (c: RawCity) => {
        c.publicServices.catalogue[0].agency = 'ag9';
      },
      'publicServices.catalogue[ag9]: agency "ag9" is not a known agency; one of the agencies: ag1',
    ],
    [
      'a named service in an unknown tier',
      (c: RawCity) => {
        c.publicServices.catalogue[0].named[0].tier = 7;
      },
      'publicServices.catalogue[ag1].named[birth]: tier "7" is not a known service tier; one of the service tiers: 1, 2',
    ],
    [
      'a tenant request on an unknown pool',
      (c: RawCity) => {
        c.tenants[0].requests[0].pool = 'gpu';
      },
      'tenants[t1].requests[gpu]: pool "gpu" is not a known pool; one of the pools: web, wh-a',
    ],
    [
      'a tenant reaching something unknown',
      (c: RawCity) => {
        c.tenants[0].reaches = ['wb'];
      },
      'tenants[t1]: reaches "wb" is not a known warehouse or external system; one of the warehouses and external systems: wa, national-db',
    ],
    [
      'a data centre behind an unknown site',
      (c: RawCity) => {
        c.datacentre.site = 'core-z';
      },
      expect.stringMatching(
        /^datacentre: site "core-z" is not a known connection point; one of the connection points: core-a, core-b, d001, /,
      ),
    ],
  ])('fails on %s', (_, change, expected) => {
    const city = smallCity();
    change(city);
    expect(messagesOf(city)).toEqual([expected]);
  });

  it('points at the field that holds the reference', () => {
    const lines = findingLines(loadCity(smallCityEdited(['    pool: wh-a\n', '    pool: wh-x\n'])));
    expect(lines[0]).toMatch(
      /^city\.yaml:29:11: error CC002 warehouses\[wa\]: pool "wh-x" is not a known pool;/,
    );
  });
});
