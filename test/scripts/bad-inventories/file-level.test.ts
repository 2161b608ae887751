/**
 * The corpus, file level: encodings, line endings, YAML that is broken or hostile, special files,
 * sizes, and includes that leave the inventory's folder. Each through the real `citycloud synth`.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/city.ts';
import { type BadInventory, describeCorpus, edited, files, mkfifo, SMALL_TEXT, splitAt } from './corpus.ts';

const MiB = 1024 * 1024;

const FILE_LEVEL: readonly BadInventory[] = [
  // accepted: what editors on other systems write
  { name: 'a byte-order mark', exit: 0, setup: (d) => files(d, { 'city.yaml': `\uFEFF${SMALL_TEXT}` }) },
  {
    name: 'CRLF line endings',
    exit: 0,
    setup: (d) => files(d, { 'city.yaml': SMALL_TEXT.replace(/\n/g, '\r\n') }),
  },
  {
    name: 'a BOM and CRLF, with an error still placed on its line',
    exit: 1,
    setup: (d) =>
      files(d, { 'city.yaml': `\uFEFF${edited(['kind: general', 'knd: general'])}`.replace(/\n/g, '\r\n') }),
    at: ['city.yaml', 'knd: general'],
    says: /unknown key "knd"; expected "kind" \(did you mean it\?\)/,
  },
  // encodings
  {
    name: 'UTF-16',
    exit: 2,
    setup: (d) =>
      files(d, {
        'city.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SMALL_TEXT, 'utf16le')]),
      }),
    at: ['city.yaml'],
    says: /is not UTF-8 text; expected a YAML file/,
  },
  {
    name: 'Latin-1 bytes',
    exit: 2,
    setup: (d) =>
      files(d, { 'city.yaml': Buffer.from(edited(['Test City', 'Ville d\u00e9j\u00e0']), 'latin1') }),
    at: ['city.yaml'],
    says: /is not UTF-8 text/,
  },
  // broken YAML
  {
    name: 'tabs as indentation',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': edited(['  name: Test City', '\tname: Test City']) }),
    at: ['city.yaml', '\tname: Test City'],
    says: /not valid YAML/,
  },
  {
    name: 'a truncated file',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': SMALL_TEXT.slice(0, SMALL_TEXT.indexOf('{u: 1, count: 4') + 8) }),
    says: /not valid YAML/,
    maxLines: 5,
  },
  {
    name: 'a duplicate key at the top',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${SMALL_TEXT}pools: []\n` }),
    at: ['city.yaml', 'pools: []'],
    says: /duplicate key "pools"; expected each key once in a mapping/,
  },
  {
    name: 'a duplicate key deep inside',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': edited(['    shards: 1\n', '    shards: 1\n    shards: 2\n']) }),
    at: ['city.yaml', 'shards: 2'],
    says: /duplicate key "shards"/,
  },
  {
    name: 'an alias bomb',
    exit: 2,
    setup: (d) =>
      files(d, {
        'city.yaml': `${SMALL_TEXT}bomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      }),
    at: ['city.yaml', 'b: &b'],
    says: /a YAML alias bomb/,
  },
  {
    name: '100,000 unclosed brackets',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `apiVersion: citycloud/v1\ncity: ${'['.repeat(100_000)}\n` }),
    at: ['city.yaml', 2],
    says: /nested more than 64 levels deep; expected at most 64 levels/,
    maxLines: 1,
  },
  {
    name: 'nesting 20,000 levels deep, well formed',
    exit: 2,
    setup: (d) =>
      files(d, { 'city.yaml': `apiVersion: citycloud/v1\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` }),
    says: /nested more than 64 levels deep/,
    maxLines: 1,
  },
  {
    name: 'an unknown tag that a JavaScript loader would run',
    exit: 2,
    setup: (d) =>
      files(d, {
        'city.yaml': edited(['  name: Test City', '  name: !!js/function "function () { return 1 }"']),
      }),
    at: ['city.yaml', '!!js/function'],
    says: /an unknown YAML tag \(tag:yaml\.org,2002:js\/function\); expected plain values without tags/,
  },
  {
    name: 'a local tag',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': edited(['    shards: 1', '    shards: !include shards.yaml']) }),
    at: ['city.yaml', '!include'],
    says: /an unknown YAML tag \(!include\)/,
  },
  {
    name: 'two documents',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${SMALL_TEXT}---\napiVersion: citycloud/v1\n` }),
    says: /holds more than one YAML document/,
  },
  {
    name: 'an empty file',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': '' }),
    at: ['city.yaml', 1],
    says: /is empty/,
  },
  {
    name: 'a list at the top',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': '- apiVersion: citycloud/v1\n' }),
    at: ['city.yaml', 1],
    says: /the top level is a list/,
  },
  {
    name: 'a garbage file: many problems, listed up to a limit',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${'a: b: c\n'.repeat(500)}` }),
    says: /not valid YAML/,
    maxLines: 21,
  },
  // sizes and special files
  {
    name: 'a file over 32 MiB',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': Buffer.alloc(33 * MiB, '# filler\n') }),
    at: ['city.yaml'],
    says: /is 33\.0 MiB; expected an inventory file of at most 32\.0 MiB/,
  },
  {
    name: 'a folder',
    exit: 2,
    setup: (d) => d,
    says: /is a folder; expected a YAML inventory file such as city\.yaml/,
  },
  {
    name: '/dev/zero',
    exit: 2,
    setup: () => '/dev/zero',
    at: ['zero'],
    says: /is a device; expected a YAML inventory file \(a regular file\)/,
  },
  { name: '/dev/urandom', exit: 2, setup: () => '/dev/urandom', at: ['urandom'], says: /is a device/ },
  {
    name: 'a named pipe (which would hang a reader)',
    exit: 2,
    setup: (d) => {
      mkfifo(join(d, 'city.yaml'));
      return join(d, 'city.yaml');
    },
    at: ['city.yaml'],
    says: /is a named pipe \(FIFO\)/,
  },
  // includes
  {
    name: 'an include that is a named pipe',
    exit: 2,
    setup: (d) => {
      const root = files(d, { 'city.yaml': splitAt('network')['city.yaml'] });
      mkfifo(join(d, 'part.yaml'));
      return root;
    },
    at: ['city.yaml', 'include: [part.yaml]'],
    says: /include "part\.yaml": is a named pipe/,
  },
  {
    name: 'an include out of the folder by ..',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${SMALL_TEXT}include: [../../../../../../etc/passwd]\n` }),
    at: ['city.yaml', 'include:'],
    says: /include "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is outside the inventory's folder/,
  },
  {
    name: 'an include by absolute path',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${SMALL_TEXT}include: [/proc/self/environ]\n` }),
    at: ['city.yaml', 'include:'],
    says: /is outside the inventory's folder/,
  },
  {
    name: 'an include through a symbolic link out of the folder, never quoted',
    exit: 2,
    setup: (d) => {
      const outside = tempDir();
      writeFileSync(join(outside, 'secret.yaml'), 'password: hunter2-from-outside\n');
      symlinkSync(join(outside, 'secret.yaml'), join(d, 'part.yaml'));
      return files(d, { 'city.yaml': `${SMALL_TEXT}include: [part.yaml]\n` });
    },
    at: ['city.yaml', 'include:'],
    says: /include "part\.yaml" leads through a symbolic link outside the inventory's folder/,
    never: ['hunter2'],
  },
  {
    name: 'an include that is missing',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${SMALL_TEXT}include: [nowhere.yaml]\n` }),
    at: ['city.yaml', 'include:'],
    says: /include "nowhere\.yaml": cannot read the inventory: no such file/,
  },
  {
    name: 'an include of the root file (a circle)',
    exit: 2,
    setup: (d) => files(d, { 'city.yaml': `${SMALL_TEXT}include: [./city.yaml]\n` }),
    at: ['city.yaml', 'include:'],
    says: /names the root file itself/,
  },
  {
    name: 'an include that includes again',
    exit: 2,
    setup: (d) => {
      const split = splitAt('network');
      return files(d, {
        'city.yaml': split['city.yaml'],
        'part.yaml': `include: [more.yaml]\n${split['part.yaml']}`,
      });
    },
    at: ['part.yaml', 1],
    says: /"include" belongs in the root file only/,
  },
  {
    name: 'a section in two files',
    exit: 2,
    setup: (d) => {
      const split = splitAt('network');
      return files(d, {
        'city.yaml': `${split['city.yaml']}agencies: []\n`,
        'part.yaml': split['part.yaml'],
      });
    },
    at: ['part.yaml', 'agencies:'],
    says: /section "agencies" is already defined at city\.yaml:\d+/,
  },
  {
    name: 'a __proto__ section in an include',
    exit: 2,
    setup: (d) => {
      const split = splitAt('network');
      return files(d, {
        'city.yaml': split['city.yaml'],
        'part.yaml': `__proto__:\n  polluted: yes\n${split['part.yaml']}`,
      });
    },
    at: ['part.yaml', '__proto__'],
    says: /a key named "__proto__"; expected inventory keys/,
  },
  {
    name: 'an include that is not UTF-8',
    exit: 2,
    setup: (d) => {
      const split = splitAt('network');
      return files(d, {
        'city.yaml': split['city.yaml'],
        'part.yaml': Buffer.from([0x6e, 0x3a, 0x20, 0xc3, 0x28]),
      });
    },
    at: ['city.yaml', 'include:'],
    says: /include "part\.yaml": is not UTF-8 text/,
  },
];

describeCorpus('the bad-input corpus, file level, through citycloud synth', FILE_LEVEL, 30);
