import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatFinding,
  formatInputProblem,
  InventoryInputError,
  loadCity,
  readInventory,
} from '../../model/index.ts';
import { SMALL_CITY, smallCity, smallCityEdited, tempDir, writeCity } from '../helpers/city.ts';

/** The one-line problems readInventory throws for a root file with this text. */
function problemsOf(path: string): string[] {
  try {
    readInventory(path);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryInputError);
    return (err as InventoryInputError).problems.map((p) =>
      formatInputProblem({ ...p, file: p.file.split('/').at(-1) as string }),
    );
  }
  throw new Error('expected readInventory to fail');
}

const fileWith = (text: string | Buffer, name = 'city.yaml') => {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('readInventory', () => {
  it('reads the small city with its positions', () => {
    const { raw, sources } = readInventory(SMALL_CITY);
    expect(raw.apiVersion).toBe('citycloud/v1');
    expect(sources.files).toHaveLength(1);
    expect(sources.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // `pools:` is written on line 9 of the fixture
    expect(sources.locate([], 'pools')).toMatchObject({ line: 9, column: 1 });
    expect(sources.locate(['pools', 1, 'id'])).toMatchObject({ line: 11, column: 10 });
    expect(sources.locate(['pools', 1], 'kind')).toMatchObject({ line: 11, column: 35 });
  });

  it.each([
    [
      'a missing file',
      () => join(tempDir(), 'nope.yaml'),
      'nope.yaml: cannot read the inventory: no such file; expected a readable YAML file',
    ],
    [
      'a folder',
      () => tempDir(),
      /^citycloud-test-\w+: is a folder; expected a YAML inventory file such as city\.yaml$/,
    ],
    [
      'an empty file',
      () => fileWith(''),
      'city.yaml:1:1: is empty; expected a mapping of inventory sections (apiVersion, city, include, datacentre, …)',
    ],
    ['a file of comments only', () => fileWith('# nothing here\n'), /^city\.yaml:1:1: is empty;/],
    [
      'a list at the top level',
      () => fileWith('- a\n- b\n'),
      'city.yaml:1:1: the top level is a list; expected a mapping of inventory sections (apiVersion, city, include, datacentre, …)',
    ],
    ['a single value', () => fileWith('just text\n'), /^city\.yaml:1:1: the top level is a single value;/],
    [
      'text that is not YAML',
      () => fileWith('apiVersion: citycloud/v1\ncity: name: x\n'),
      'city.yaml:2:7: not valid YAML: Nested mappings are not allowed in compact mappings',
    ],
    [
      'duplicate keys',
      () => fileWith('apiVersion: citycloud/v1\ncity: {}\napiVersion: x\n'),
      'city.yaml:3:1: duplicate key "apiVersion"; expected each key once in a mapping',
    ],
    [
      'two documents',
      () => fileWith('a: 1\n---\nb: 2\n'),
      'city.yaml:2:1: holds more than one YAML document; expected a single document',
    ],
    [
      'bytes that are not UTF-8',
      () => fileWith(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])),
      'city.yaml: is not UTF-8 text; expected a YAML file',
    ],
    [
      'a YAML alias bomb',
      () =>
        fileWith(
          'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
        ),
      'city.yaml:2:8: aliases expand to more than 100 copies (a YAML alias bomb); expected plain data or a few aliases',
    ],
  ])('fails on %s with one clear line', (_, make, expected) => {
    const problems = problemsOf(make());
    expect(problems).toHaveLength(1);
    if (typeof expected === 'string') expect(problems[0]).toBe(expected);
    else expect(problems[0]).toMatch(expected);
  });

  it('reports every YAML error of a file, each at its position', () => {
    expect(problemsOf(fileWith('a: [1, 2\nb: {'))).toEqual([
      'city.yaml:2:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'city.yaml:2:5: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('accepts a few aliases', () => {
    const { raw } = readInventory(fileWith('base: &b {x: 1}\none: *b\ntwo: *b\n'));
    expect(raw.two).toEqual({ x: 1 });
  });

  describe('includes', () => {
    it('merges the sections of included files and remembers which file holds each', () => {
      const root = writeCity({
        'city.yaml': 'apiVersion: citycloud/v1\ninclude: [parts/pools.yaml]\n',
        'parts/pools.yaml': '# pools\npools:\n  - {id: web}\n',
      });
      const { raw, sources } = readInventory(root);
      expect(raw.pools).toEqual([{ id: 'web' }]);
      expect(sources.files.map((f) => f.relativePath)).toEqual(['city.yaml', 'parts/pools.yaml']);
      expect(sources.locate(['pools', 0, 'id'])).toMatchObject({ line: 3, column: 10 });
      expect(sources.locate(['pools', 0, 'id']).file).toMatch(/parts\/pools\.yaml$/);
    });

    it('points at the include line of a missing file', () => {
      const root = writeCity({ 'city.yaml': 'apiVersion: citycloud/v1\ninclude:\n  - gone.yaml\n' });
      expect(problemsOf(root)).toEqual([
        'city.yaml:3:5: include "gone.yaml": cannot read the inventory: no such file; expected a readable YAML file',
      ]);
    });

    it('fails on a section defined in two files, naming both', () => {
      const root = writeCity({
        'city.yaml': 'apiVersion: citycloud/v1\npools: []\ninclude: [more.yaml]\n',
        'more.yaml': 'tenants: []\npools: []\n',
      });
      expect(problemsOf(root)).toEqual([
        expect.stringMatching(
          /^more\.yaml:2:1: section "pools" is already defined at .*city\.yaml:2; expected each section in one file$/,
        ),
      ]);
    });

    it('refuses apiVersion and include inside an included file', () => {
      const root = writeCity({
        'city.yaml': 'apiVersion: citycloud/v1\ninclude: [a.yaml]\n',
        'a.yaml': 'include: [b.yaml]\n',
      });
      expect(problemsOf(root)).toEqual([
        'a.yaml:1:1: "include" belongs in the root file only; expected inventory sections',
      ]);
    });

    it('refuses an include list that is not a list of names', () => {
      const root = writeCity({ 'city.yaml': 'apiVersion: citycloud/v1\ninclude: network.yaml\n' });
      expect(problemsOf(root)).toEqual([
        'city.yaml:2:1: include must be a list of file names; expected e.g. include: [network.yaml, services.yaml]',
      ]);
    });

    it('reports the problems of every file at once', () => {
      const root = writeCity({
        'city.yaml': 'apiVersion: citycloud/v1\ninclude: [a.yaml, b.yaml]\n',
        'a.yaml': '',
        'b.yaml': '- x\n',
      });
      expect(problemsOf(root)).toEqual([
        expect.stringMatching(/^a\.yaml:1:1: is empty;/),
        expect.stringMatching(/^b\.yaml:1:1: the top level is a list;/),
      ]);
    });
  });
});

describe('the parse cache', () => {
  const memory = () => {
    const kept = new Map<string, string>();
    const calls = { get: 0, put: 0 };
    return {
      calls,
      cache: {
        get: (sha: string) => {
          calls.get++;
          return kept.get(sha) ?? null;
        },
        put: (sha: string, value: string) => {
          calls.put++;
          kept.set(sha, value);
        },
      },
    };
  };

  it('gives back what parsing gives, model and findings with their lines, from the second load on', () => {
    const city = smallCityEdited(['powerBudgetW: 5000', 'powerBudgetW: 500']); // CC004: over the rack's power budget
    const { cache, calls } = memory();
    const first = loadCity(city, { parseCache: cache });
    const second = loadCity(city, { parseCache: cache });
    expect(calls).toEqual({ get: 2, put: 1 });
    expect(second.model).toEqual(first.model);
    expect(second.findings.map(formatFinding)).toEqual(first.findings.map(formatFinding));
    expect(second.findings.length).toBeGreaterThan(0);
    expect(second.findings.map(formatFinding).join('\n')).toMatch(/city\.yaml:\d+:\d+: /);
  });

  it('keeps a file per content: an edited file is parsed again, its unchanged includes are not', () => {
    const dir = tempDir();
    const { apiVersion, city, ...rest } = smallCity();
    const root = writeCity(
      { 'city.yaml': { apiVersion, city, include: ['rest.yaml'] }, 'rest.yaml': rest },
      dir,
    );
    const { cache, calls } = memory();
    expect(loadCity(root, { parseCache: cache }).model).not.toBeNull();
    expect(calls.put).toBe(2);
    writeCity(
      { 'city.yaml': { apiVersion, city: { ...city, name: 'Test 2' }, include: ['rest.yaml'] } },
      dir,
    );
    expect(loadCity(root, { parseCache: cache }).model?.city.name).toBe('Test 2');
    expect(calls.put).toBe(3);
  });

  it('never keeps a file that does not parse', () => {
    const { cache, calls } = memory();
    const bad = fileWith('a: [1, 2\n');
    expect(() => readInventory(bad, cache)).toThrow(InventoryInputError);
    expect(() => readInventory(bad, cache)).toThrow(InventoryInputError);
    expect(calls.put).toBe(0);
  });
});

describe('readInventory and prototypes', () => {
  it('builds the inventory without a prototype, so no key of a file reaches Object.prototype', () => {
    const { raw } = readInventory(SMALL_CITY);
    expect(Object.getPrototypeOf(raw)).toBeNull();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
