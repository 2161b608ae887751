import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { transitSinglePointOfFailure } from '../../../model/rules/transit-single-point-of-failure.ts';
import {
  BUILTIN_CITY,
  findingLines,
  modelOf,
  smallCity,
  violationLines,
  writeCity,
} from '../../helpers/city.ts';

describe('transit-single-point-of-failure', () => {
  it('is compliant when hubs and departments are dual-homed', () => {
    expect(transitSinglePointOfFailure(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('fails on a hub whose second uplink is removed, naming the core site and the link', () => {
    const city = smallCity();
    city.network.districts[0].uplinks = [{ to: 'core-a', role: 'primary', mbps: 10000, medium: 'fiber' }];
    expect(violationLines(transitSinglePointOfFailure, city)).toEqual([
      'network.districts[d001]: District One (d001) reaches the core only through point core-a and link d001--core-a: losing any one cuts it off, with every site behind it; two independent paths to the core (e.g. uplinks to both core sites)',
    ]);
  });

  it('fails on a department hanging off a hub', () => {
    const city = smallCity();
    city.agencies[0].uplinks = [{ to: 'd001', role: 'primary', mbps: 1000, medium: 'fiber' }];
    expect(violationLines(transitSinglePointOfFailure, city)).toEqual([
      expect.stringMatching(
        /^agencies\[ag1\]: Department One \(ag1\) reaches the core only through point d001 and link ag1--d001:/,
      ),
    ]);
  });

  it('reports a single point of failure in the built-in city when a district hub loses its second uplink', () => {
    // the built-in city with Quận 1 given one uplink instead of the dual-homed default
    const dir = dirname(BUILTIN_CITY);
    // city.yaml first: writeCity returns the path of the first file
    const files: Record<string, string> = { 'city.yaml': '' };
    for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8');
    files['network.yaml'] = readFileSync(join(dir, 'network.yaml'), 'utf8').replace(
      '      wardBackupVia: d770\n',
      '      wardBackupVia: d770\n      uplinks: [{to: core-a, role: primary, mbps: 10000, medium: fiber}]\n',
    );
    const lines = findingLines(loadCity(writeCity(files)));
    expect(lines).toEqual([
      expect.stringMatching(
        /^network\.yaml:\d+:\d+: error CC010 network\.districts\[d760\]: Quận 1 \(d760\) reaches the core only through point core-a and link d760--core-a: losing any one cuts it off/,
      ),
    ]);
  });
});
