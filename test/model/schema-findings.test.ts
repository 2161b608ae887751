import { describe, expect, it } from 'vitest';
import { knownKeysAt, loadCity, suggestion } from '../../model/index.ts';
import { findingLines, smallCityEdited } from '../helpers/city.ts';

const findingsOf = (...edits: [string, string][]) => findingLines(loadCity(smallCityEdited(...edits)));

describe('schema findings', () => {
  it('has none for the small city', () => {
    expect(findingsOf()).toEqual([]);
  });

  it('fails on an unknown key, at the key, with "did you mean"', () => {
    expect(findingsOf(['{id: web, name: Web, kind: general', '{id: web, name: Web, knd: general'])).toEqual([
      'city.yaml:10:5: error CC000 pools[web].kind: required field "kind" is missing; expected one of "general", "warehouse", "gpu", "management"',
      'city.yaml:10:26: error CC000 pools[web].knd: unknown key "knd"; expected "kind" (did you mean it?)',
    ]);
  });

  it('lists the allowed keys when nothing is close', () => {
    const lines = findingsOf(['  site: core-a\n', '  site: core-a\n  colour: blue\n']);
    expect(lines).toEqual([
      'city.yaml:16:3: error CC000 datacentre.colour: unknown key "colour"; expected one of: id, name, site, rackDefaults, halls',
    ]);
  });

  it('fails on wrong types, naming what was found', () => {
    expect(findingsOf(['cores: 32,', 'cores: many,'])).toEqual([
      'city.yaml:7:41: error CC000 serverModels[m1].cores: is the text "many"; expected a number',
    ]);
    expect(findingsOf(['rackDefaults: {heightU: 42, powerBudgetW: 10000}', 'rackDefaults: [42]'])).toEqual([
      'city.yaml:16:17: error CC000 datacentre.rackDefaults: is a list; expected a mapping',
    ]);
  });

  it('fails on negative and zero counts', () => {
    expect(findingsOf(['full: 4\n', 'full: -4\n'])).toEqual([
      expect.stringMatching(
        /^city\.yaml:\d+:13: error CC000 publicServices\.catalogue\[ag1\]\.full: is negative: -4; expected a value at least 0$/,
      ),
    ]);
    expect(findingsOf(['shards: 1', 'shards: 0'])).toEqual([
      expect.stringMatching(/error CC000 warehouses\[wa\]\.shards: is 0; expected a value more than 0$/),
    ]);
  });

  it('fails on a fractional count', () => {
    expect(findingsOf(['{u: 1, count: 4, model: m1', '{u: 1, count: 2.5, model: m1'])).toEqual([
      expect.stringMatching(
        /datacentre\.halls\[h1\]\.rows\[r01\]\.racks\[k01\]\.servers\[u01\]\.count: is number 2\.5; expected a whole number$/,
      ),
    ]);
  });

  it('suggests the closest allowed value of an enum', () => {
    expect(findingsOf(['engine: clickhouse', 'engine: clickhose'])).toEqual([
      expect.stringMatching(
        /warehouses\[wa\]\.engine: is the text "clickhose"; expected one of "clickhouse", "postgresql" \(did you mean "clickhouse"\?\)$/,
      ),
    ]);
  });

  it('fails on an id that would make an unstable name', () => {
    expect(findingsOf(['- {id: k02,', '- {id: K 02,'])).toEqual([
      expect.stringMatching(
        /racks\[K 02\]\.id: is the text "K 02"; expected an id of lower-case letters, digits and dashes/,
      ),
    ]);
  });

  it('fails on a wrong apiVersion', () => {
    expect(findingsOf(['apiVersion: citycloud/v1', 'apiVersion: citycloud/v2'])).toEqual([
      'city.yaml:2:13: error CC000 apiVersion: is the text "citycloud/v2"; expected "citycloud/v1"',
    ]);
  });

  it('reports every schema problem at once, in file order', () => {
    const lines = findingsOf(
      ['cores: 32,', 'cores: -1,'],
      ['watts: 800', 'watts: "x"'],
      ['replicas: 3', 'replica: 3'],
    );
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split(' ')[3])).toEqual([
      'serverModels[m1].cores:',
      'serverModels[m2].watts:',
      'warehouses[wa].replicas:',
      'warehouses[wa].replica:',
    ]);
  });
});

describe('knownKeysAt', () => {
  it('follows the schema through lists and optionals', () => {
    expect(knownKeysAt(['datacentre', 'halls', 0, 'rows', 0, 'racks', 3])).toEqual([
      'id',
      'phase',
      'heightU',
      'powerBudgetW',
      'servers',
    ]);
    expect(knownKeysAt(['nope'])).toEqual([]);
  });
});

describe('suggestion', () => {
  it('suggests only close words', () => {
    expect(suggestion('pols', ['pools', 'tenants'])).toBe('pools');
    expect(suggestion('colour', ['id', 'name'])).toBeNull();
  });
});
