/**
 * The corpus, model level: every kind of schema error (type, range, enum, typo, grammar, size)
 * and a violation of each rule that fails the command, each placed on the line that caused it.
 */
import { type BadInventory, describeCorpus, edited, files } from './corpus.ts';

/** A case made by edits of the small city, pointing at the line holding `marker`. */
const edit = (
  name: string,
  edits: readonly [string, string][],
  marker: string,
  says: RegExp,
  more: Partial<BadInventory> = {},
): BadInventory => ({
  name,
  exit: 1,
  setup: (d) => files(d, { 'city.yaml': edited(...edits) }),
  at: ['city.yaml', marker],
  says,
  ...more,
});

const LONG_NAME = `Thành phố ${'rất '.repeat(272)}dài`;
const SECRET_VALUE = `hunter2-${'x'.repeat(60)}-end-of-secret`;
const TENANT_APP = `    reaches: [wa]
    app: {image: "registry.hcmc.gov.vn/egov/t1:1.0", healthPath: '/h\${file("/etc/hostname")}', pod: {cpuCores: 1, memoryGiB: 2}}`;

/** 10,000 racks of 60 servers: a 700 KB file that would expand to 600,000 servers. */
const manyRacks = () =>
  edited(
    ['rackDefaults: {heightU: 42, powerBudgetW: 10000}', 'rackDefaults: {heightU: 60, powerBudgetW: 10000}'],
    [
      '            - {id: k03, powerBudgetW: 5000, servers: [{u: 10, count: 2, model: m2, pool: wh-a}]}',
      Array.from(
        { length: 10_000 },
        (_, i) => `            - {id: x${i}, servers: [{u: 1, count: 60, model: m1, pool: web}]}`,
      ).join('\n'),
    ],
  );

const MODEL_LEVEL: readonly BadInventory[] = [
  // the schema: typos, types, ranges, enums, grammar, sizes
  edit(
    'a key with a typo',
    [['kind: general', 'knd: general']],
    'knd: general',
    /unknown key "knd"; expected "kind" \(did you mean it\?\)/,
  ),
  edit(
    'an unknown section',
    [['apiVersion: citycloud/v1\n', 'apiVersion: citycloud/v1\ncolour: red\n']],
    'colour: red',
    /unknown key "colour"/,
  ),
  edit(
    'the wrong apiVersion',
    [['apiVersion: citycloud/v1', 'apiVersion: citycloud/v2']],
    'apiVersion',
    /expected "citycloud\/v1"/,
  ),
  edit(
    'text for a number',
    [['    shards: 1', '    shards: "one"']],
    'shards: "one"',
    /shards: is the text "one"; expected a number/,
  ),
  edit(
    'a fraction for a whole number',
    [['    shards: 1', '    shards: 1.5']],
    'shards: 1.5',
    /is number 1\.5; expected a whole number/,
  ),
  edit(
    'a negative count',
    [['{u: 1, count: 4, model: m1, pool: web}, {u: 10', '{u: 1, count: -4, model: m1, pool: web}, {u: 10']],
    'count: -4',
    /is negative: -4/,
  ),
  edit(
    'a rack taller than any rack',
    [['rackDefaults: {heightU: 42,', 'rackDefaults: {heightU: 61,']],
    'heightU: 61',
    /is 61; expected a value at most 60/,
  ),
  edit(
    'fifty million servers in one rack (a ten-byte edit), refused before expansion',
    [
      [
        '{u: 1, count: 4, model: m1, pool: web}, {u: 10',
        '{u: 1, count: 50000000, model: m1, pool: web}, {u: 10',
      ],
    ],
    'count: 50000000',
    /is 50000000; expected a value at most 60/,
  ),
  edit(
    'an enum value with a typo',
    [['criticality: high', 'criticality: hgh']],
    'criticality: hgh',
    /did you mean "high"\?/,
  ),
  edit(
    'an engine that does not exist',
    [['engine: clickhouse', 'engine: clickhous']],
    'engine: clickhous',
    /did you mean "clickhouse"\?/,
  ),
  edit(
    'a mapping where a list belongs',
    [['connectsTo: [national-db]', 'connectsTo: national-db']],
    'connectsTo: national-db',
    /expected a list/,
  ),
  edit(
    'an id with capitals',
    [['  - id: wa\n', '  - id: Wa_1\n']],
    'id: Wa_1',
    /an id of lower-case letters, digits and dashes/,
  ),
  edit(
    'a statistics code with a letter',
    [['code: "10001"', 'code: "1x001"']],
    '1x001',
    /a statistics-office code of 2 to 8 digits/,
  ),
  edit(
    'a prefix length over 32',
    [['cidr: 192.0.2.0/28', 'cidr: 192.0.2.0/33']],
    '192.0.2.0/33',
    /an IPv4 prefix/,
  ),
  edit('a port over 65535', [['ports: [443]', 'ports: [70000]']], 'ports: [70000]', /at most 65535/),
  edit(
    'an availability of 150%',
    [['availability: 0.99}', 'availability: 1.5}']],
    'availability: 1.5',
    /less than 1/,
  ),
  edit(
    'a missing required field',
    [['    engine: clickhouse\n', '']],
    '  - id: wa',
    /required field "engine" is missing/,
  ),
  edit(
    'a 1,100-character name',
    [['  name: Test City', `  name: ${LONG_NAME}`]],
    'rất rất',
    /city\.name: has \d+ characters; expected at most 120 characters/,
    { never: [LONG_NAME] },
  ),
  edit(
    'a long wrong value, quoted short',
    [['    shards: 1', `    shards: "${SECRET_VALUE}"`]],
    'hunter2',
    /is the text "hunter2-x{32}…"/,
    { never: ['end-of-secret'] },
  ),
  edit(
    'a health path that Terraform would evaluate',
    [['    reaches: [wa]', TENANT_APP]],
    'healthPath',
    /an absolute URL path such as \/healthz/,
  ),
  edit(
    'a runbook URL that Prometheus would expand',
    [
      [
        'apiVersion: citycloud/v1\n',
        'apiVersion: citycloud/v1\nmonitoring: {runbookBaseUrl: "https://wiki/{{ .Value }}"}\n',
      ],
    ],
    'runbookBaseUrl',
    /an absolute http\(s\) URL a pager can open, without spaces, quotes, braces/,
  ),
  edit(
    'a relative runbook URL, which a pager cannot open',
    [
      [
        'apiVersion: citycloud/v1\n',
        'apiVersion: citycloud/v1\nmonitoring: {runbookBaseUrl: runbooks/alerts.md}\n',
      ],
    ],
    'runbookBaseUrl',
    /an absolute http\(s\) URL a pager can open/,
  ),
  {
    name: 'a city that would expand to 600,000 servers',
    exit: 1,
    setup: (d) => files(d, { 'city.yaml': manyRacks() }),
    at: ['city.yaml', 'datacentre:'],
    says: /error CC000 datacentre: expands to 600,0\d\d servers; expected at most 500,000 servers/,
  },
  // the rules
  edit(
    'CC001 an id twice',
    [['  - {id: wh-a,', '  - {id: web, name: Web again, kind: general, criticality: high}\n  - {id: wh-a,']],
    'Web again',
    /CC001/,
  ),
  edit(
    'CC002 a pool that does not exist',
    [['{u: 1, count: 4, model: m1, pool: web}, {u: 10', '{u: 1, count: 4, model: m1, pool: webb}, {u: 10']],
    'pool: webb',
    /CC002 .*"webb"/,
  ),
  edit(
    'CC003 servers that overlap',
    [
      [
        '{u: 10, count: 2, model: m2, pool: wh-a}]}\n            - {id: k02',
        '{u: 3, count: 2, model: m2, pool: wh-a}]}\n            - {id: k02',
      ],
    ],
    '{u: 3,',
    /CC003/,
  ),
  edit(
    'CC004 a rack over its power budget',
    [['powerBudgetW: 5000', 'powerBudgetW: 1000']],
    '{id: k03',
    /CC004 .*over the rack's power budget/,
  ),
  // the pool is what runs short: the finding is at the pool, naming the tenant
  edit(
    'CC005 a pool too small for its tenants',
    [['cpuCores: 100, memoryGiB: 800', 'cpuCores: 100000, memoryGiB: 800']],
    '{id: web,',
    /CC005 pools\[web\]: tenant t1 request 100,000 cores/,
  ),
  edit(
    'CC006 a warehouse in too few racks',
    [
      [
        '{id: k03, powerBudgetW: 5000, servers: [{u: 10, count: 2, model: m2, pool: wh-a}]}',
        '{id: k03, powerBudgetW: 5000, servers: [{u: 10, count: 2, model: m2, pool: web}]}',
      ],
    ],
    '    pool: wh-a',
    /CC006 warehouses\[wa\]: 3 replicas per shard, but pool wh-a has servers in 2 racks/,
  ),
  edit(
    'CC008 service counts that do not add up',
    [['totals: {total: 6,', 'totals: {total: 7,']],
    'totals:',
    /CC008/,
  ),
  edit(
    'CC009 a link to itself',
    [
      [
        'uplinks: [{to: core-a, role: primary, mbps: 100000, medium: fiber}]',
        'uplinks: [{to: core-b, role: primary, mbps: 100000, medium: fiber}]',
      ],
    ],
    'to: core-b',
    /CC009/,
  ),
  edit(
    'CC015 a pinned block outside the supernet',
    [
      [
        'apiVersion: citycloud/v1\n',
        'apiVersion: citycloud/v1\naddressPins: {blocks: {d001: 192.168.0.0/24}}\n',
      ],
    ],
    'addressPins',
    /CC015/,
  ),
  edit(
    'CC016 a supernet with no room',
    [['supernet: 10.32.0.0/16', 'supernet: 10.32.0.0/28']],
    '{id: core-a, name: Core A}',
    /CC016 network\.core: block core needs a \/22/,
  ),
  edit(
    'CC017 a replica larger than any server',
    [['perReplica: {cpuCores: 32,', 'perReplica: {cpuCores: 640,']],
    'perReplica',
    /CC017/,
  ),
];

describeCorpus('the bad-input corpus, model level, through citycloud synth', MODEL_LEVEL, 30);
