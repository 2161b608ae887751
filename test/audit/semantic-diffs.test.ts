/**
 * Each differ on real artifacts and the risk rule it feeds: attributes keyed by identity,
 * replacements with the provider's ForceNew attribute, CloudFormation through
 * @aws-cdk/cloudformation-diff on the small city's synthesized template, the model, monitoring,
 * secrets never printed, and a long report split into pull-request comments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributeChanges, holdsSecret } from '../../audit/attribute-diff.ts';
import { AUDIT_SCHEMA, type AuditReport } from '../../audit/audit-diff.ts';
import type { Change } from '../../audit/change.ts';
import { reconcileDerived } from '../../audit/derived-changes.ts';
import { diffCloudFormation } from '../../audit/diff-cloudformation.ts';
import { diffInventory } from '../../audit/diff-inventory.ts';
import { diffMonitoringFile, pairMovedRules } from '../../audit/diff-monitoring.ts';
import { diffTerraformStack, type TerraformJson } from '../../audit/diff-terraform.ts';
import { reportJson } from '../../audit/format-json.ts';
import { COMMENT_LIMIT, reportMarkdown } from '../../audit/format-markdown.ts';
import { countByLevel, type RankedChange, rankChanges } from '../../audit/risk/rank-changes.ts';
import type { CityModel } from '../../model/index.ts';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';

const rank = (changes: Change[]) => rankChanges(changes);

/** The small city synthesized once for this file. */
let smallOut = '';
beforeAll(() => {
  smallOut = join(tempDir(), 'out');
  expect(runCli(['synth', '-i', SMALL_CITY, '--out', smallOut, '--no-cache']).code).toBe(0);
}, 60_000);
const only = (changes: RankedChange[]) => {
  expect(changes).toHaveLength(1);
  return changes[0] as RankedChange;
};
const rulesOf = (c: RankedChange) => c.firings.map((f) => f.rule);

const tf = (type: string, name: string, config: object): TerraformJson => ({
  resource: { [type]: { [name]: config as Record<string, unknown> } },
});
const diffTf = (
  type: string,
  a: object | undefined,
  b: object | undefined,
  extraBefore: NonNullable<TerraformJson['resource']> = {},
) =>
  rank(
    diffTerraformStack(
      'terraform/stacks/apps/cdk.tf.json',
      'apps',
      a ? { resource: { ...tf(type, 'x', a).resource, ...extraBefore } } : { resource: extraBefore },
      b ? tf(type, 'x', b) : {},
    ),
  ).filter((c) => c.kind === type);

describe('attribute diff', () => {
  it('keys list items by name, so a change in the middle of a list is one attribute', () => {
    const env = (names: string[]) => ({
      container: [{ name: 'api', env: names.map((n) => ({ name: n, value: n.toLowerCase() })) }],
    });
    const changes = attributeChanges(env(['A', 'B', 'C']), env(['A', 'X', 'B', 'C']));
    expect(changes).toEqual([{ path: 'container[name=api].env[name=X]', after: '{"name":"X","value":"x"}' }]);
  });

  it('never prints a secret: by key, by an env var’s name, or a password in a URL', () => {
    const before = {
      token: 'tok-123',
      env: [{ name: 'DB_PASSWORD', value: 'hunter2' }],
      url: 'postgres://app:s3cret@db:5432/app',
    };
    const after = {
      token: 'tok-456',
      env: [{ name: 'DB_PASSWORD', value: 'hunter3' }],
      url: 'postgres://app:n3w@db:5432/app',
    };
    const changes = attributeChanges(before, after);
    expect(changes.map((c) => c.path)).toEqual(['env[name=DB_PASSWORD].value', 'token', 'url']);
    for (const c of changes)
      expect(c).toMatchObject({ before: '(sensitive value)', after: '(sensitive value)', sensitive: true });
    expect(JSON.stringify(changes)).not.toMatch(/tok-|hunter|s3cret|n3w/);
    expect(holdsSecret(before)).toBe(true);
    expect(holdsSecret({ env: [{ name: 'LOG_LEVEL', value: 'info' }] })).toBe(false);
  });
});

describe('Terraform stacks, by address, with the Kubernetes provider’s ForceNew attributes', () => {
  const sts = (service: string, replicas = '3') => ({
    metadata: { name: 'population-s01', namespace: 'warehouse-population' },
    spec: {
      replicas,
      service_name: service,
      template: { spec: { container: [{ name: 'pg', image: 'spilo:3.3' }] } },
    },
  });

  it('a StatefulSet whose service name changes is replaced: critical, with the attribute and its source line', () => {
    const c = only(diffTf('kubernetes_stateful_set_v1', sts('a'), sts('b')));
    expect(c).toMatchObject({ action: 'replace', level: 'critical' });
    expect(rulesOf(c)).toEqual(['AU001']);
    expect(c.attributes).toEqual([
      {
        path: 'spec.service_name',
        before: 'a',
        after: 'b',
        forcesReplacement:
          'ForceNew (hashicorp/terraform-provider-kubernetes v2.38.0, kubernetes/schema_stateful_set_spec.go:53)',
      },
    ]);
    expect(c.firings[0]?.because).toContain('spec.service_name cannot change in place');
  });

  it('an image change is an update in place (low); fewer replicas is high; removal is critical', () => {
    const image = only(
      diffTf('kubernetes_stateful_set_v1', sts('a'), {
        ...sts('a'),
        spec: { ...sts('a').spec, template: { spec: { container: [{ name: 'pg', image: 'spilo:3.4' }] } } },
      }),
    );
    expect(image).toMatchObject({ action: 'change', level: 'low' });
    expect(image.attributes[0]?.path).toBe('spec.template.spec.container[name=pg].image');
    expect(only(diffTf('kubernetes_stateful_set_v1', sts('a'), sts('a', '2')))).toMatchObject({
      level: 'high',
    });
    expect(rulesOf(only(diffTf('kubernetes_stateful_set_v1', sts('a'), undefined)))).toEqual(['AU001']);
  });

  it('a renamed namespace or a new Deployment selector is a replacement (medium), said per attribute', () => {
    const ns = only(
      diffTf('kubernetes_namespace_v1', { metadata: { name: 'a' } }, { metadata: { name: 'b' } }),
    );
    expect(ns).toMatchObject({ action: 'replace', level: 'medium' });
    expect(ns.attributes[0]?.forcesReplacement).toContain('kubernetes/schema_metadata.go:37');
    const dep = only(
      diffTf(
        'kubernetes_deployment_v1',
        {
          metadata: { name: 'api', namespace: 'apps' },
          spec: { selector: { match_labels: { app: 'api' } } },
        },
        {
          metadata: { name: 'api', namespace: 'apps' },
          spec: { selector: { match_labels: { app: 'api2' } } },
        },
      ),
    );
    expect(dep).toMatchObject({ action: 'replace', level: 'medium' });
    expect(dep.attributes[0]).toMatchObject({ path: 'spec.selector.match_labels.app' });
    expect(dep.attributes[0]?.forcesReplacement).toContain('resource_kubernetes_deployment_v1.go:104');
  });

  it('an immutable ConfigMap whose data changes is replaced (the provider’s CustomizeDiff); a mutable one is updated', () => {
    const cm = (immutable: boolean, value: string) => ({
      metadata: { name: 'settings', namespace: 'apps' },
      immutable,
      data: { mode: value },
    });
    const replaced = only(diffTf('kubernetes_config_map_v1', cm(true, 'a'), cm(true, 'b')));
    expect(replaced).toMatchObject({ action: 'replace', level: 'medium' });
    expect(replaced.attributes[0]?.forcesReplacement).toContain(
      'resource_kubernetes_config_map_v1.go:35, CustomizeDiff',
    );
    expect(only(diffTf('kubernetes_config_map_v1', cm(false, 'a'), cm(false, 'b')))).toMatchObject({
      action: 'change',
    });
  });

  it('a network policy added to a namespace that existed widens it; one of a new namespace does not', () => {
    const policy = {
      metadata: { name: 'allow', namespace: 'apps' },
      spec: { egress: [{ to: [{ ip_block: { cidr: '0.0.0.0/0' } }] }] },
    };
    const existing = {
      kubernetes_namespace_v1: { apps: { metadata: { name: 'apps' }, labels: {} } },
      kubernetes_service_v1: { s: { metadata: { name: 's', namespace: 'apps' } } },
    };
    const widened = only(diffTf('kubernetes_network_policy_v1', undefined, policy, existing));
    expect(widened).toMatchObject({ action: 'add', level: 'high' });
    expect(widened.firings[0]?.because).toContain('{"ip_block":{"cidr":"0.0.0.0/0"}} on every port');
    expect(only(diffTf('kubernetes_network_policy_v1', undefined, policy))).toMatchObject({ level: 'low' });
    expect(only(diffTf('kubernetes_network_policy_v1', policy, undefined)).firings[0]?.rule).toBe('AU010');
  });

  it('a Service made LoadBalancer is newly public; a Role given a rule broadens access', () => {
    const svc = (type?: string) => ({
      metadata: { name: 's', namespace: 'apps' },
      spec: { ...(type ? { type } : {}), port: [{ port: 80 }] },
    });
    expect(rulesOf(only(diffTf('kubernetes_service_v1', svc(), svc('LoadBalancer'))))).toEqual(['AU011']);
    const role = (verbs: string[]) => ({
      metadata: { name: 'r', namespace: 'apps' },
      rule: [{ api_groups: [''], resources: ['secrets'], verbs }],
    });
    const broadened = only(diffTf('kubernetes_role_v1', role(['get']), role(['get', 'list'])));
    expect(broadened).toMatchObject({ level: 'high' });
    expect(rulesOf(broadened)).toEqual(['AU012']);
  });
});

describe('CloudFormation through @aws-cdk/cloudformation-diff, on the small city’s synthesized template', () => {
  // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template as parsed
  let template: any;
  beforeAll(() => {
    template = JSON.parse(readFileSync(join(smallOut, 'cloudformation/offsite.template.json'), 'utf8'));
  });
  const backupBucket = (t: {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  }) =>
    Object.entries(t.Resources).find(
      ([id, r]) => id.startsWith('Backupwa') && r.Type === 'AWS::S3::Bucket',
    ) as [string, { Properties: Record<string, unknown> }];
  const diff = (change: (t: typeof template) => void) => {
    const after = structuredClone(template);
    change(after);
    return rank(diffCloudFormation('cloudformation/offsite.template.json', 'offsite', template, after));
  };

  it('a shorter object lock on a backup bucket is critical', () => {
    const c = only(
      diff((t) => {
        // biome-ignore lint/suspicious/noExplicitAny: the bucket's properties
        (backupBucket(t)[1].Properties as any).ObjectLockConfiguration.Rule.DefaultRetention.Days = 7;
      }),
    );
    expect(c).toMatchObject({ level: 'critical', action: 'change', kind: 'AWS::S3::Bucket' });
    expect(c.firings[0]?.because).toMatch(/object-lock retention 35 → 7 days/);
  });

  it('a backup bucket renamed is replaced (the property CloudFormation replaces it for), critical', () => {
    const changes = diff((t) => {
      backupBucket(t)[1].Properties.BucketName = 'renamed';
    });
    const bucket = changes.find((c) => c.kind === 'AWS::S3::Bucket') as RankedChange;
    expect(bucket).toMatchObject({ action: 'replace', level: 'critical' });
    expect(bucket.attributes[0]).toMatchObject({ path: 'BucketName', after: 'renamed' });
    expect(bucket.attributes[0]?.forcesReplacement).toMatch(
      /^replaces \(CloudFormation resource specification/,
    );
  });

  it('IAM broadened, public access opened and a security group widened are each high', () => {
    const changes = diff((t) => {
      const policy = Object.values(t.Resources).find(
        (r) => (r as { Type: string }).Type === 'AWS::IAM::Policy',
      ) as {
        Properties: { PolicyDocument: { Statement: unknown[] } };
      };
      policy.Properties.PolicyDocument.Statement.push({ Action: 's3:*', Effect: 'Allow', Resource: '*' });
      delete backupBucket(t)[1].Properties.PublicAccessBlockConfiguration;
      t.Resources.Sg = {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'x',
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }],
        },
      };
    });
    const iam = changes.filter((c) => c.kind === 'iam-statement');
    expect(iam).toHaveLength(1);
    expect(iam[0]).toMatchObject({ level: 'high', firings: [{ rule: 'AU012' }] });
    expect(iam[0]?.summary).toContain('s3:*');
    expect(changes.find((c) => c.kind === 'AWS::S3::Bucket')?.firings.map((f) => f.rule)).toContain('AU011');
    const sg = changes.filter((c) => c.kind === 'security-group-rule');
    expect(sg[0]).toMatchObject({ level: 'high', firings: [{ rule: 'AU010' }] });
    expect(sg[0]?.summary).toContain('Peer: Everyone (IPv4)');
  });
});

describe('the model: servers, pools, warehouses, the off-site tier', () => {
  let model: CityModel;
  beforeAll(() => {
    model = JSON.parse(readFileSync(join(smallOut, 'model/city.json'), 'utf8'));
  });
  const changed = (change: (m: CityModel & Record<string, never>) => void, from: CityModel = model) => {
    const m = structuredClone(from) as CityModel & Record<string, never>;
    change(m);
    return rank(diffInventory(from, m));
  };

  it('a server moved to another rack is named with both racks', () => {
    const first = model.servers[0] as CityModel['servers'][number];
    const other = model.racks.find((r) => r.name !== first.rack)?.name as string;
    const changes = changed((m) => {
      (m.servers[0] as { rack: string }).rack = other;
    });
    expect(changes.find((c) => c.kind === 'server')?.summary).toBe(
      `server ${first.name} moved from rack ${first.rack} to ${other}`,
    );
  });

  it('personal data linked to a new system is critical; a shorter off-site retention is critical', () => {
    const personal = structuredClone(model);
    (personal.warehouses[0] as { classification: string }).classification = 'personal';
    const changes = changed((m) => {
      const w = m.warehouses[0] as unknown as { classification: string; connectsTo: string[] };
      (m.externalSystems as unknown as { id: string; jurisdiction: string }[]).push({
        id: 'analytics',
        jurisdiction: 'SG',
      } as never);
      w.connectsTo = [...w.connectsTo, 'analytics'];
      (m.offsite as { backupRetentionDays: number }).backupRetentionDays = 7;
    }, personal);
    const w = changes.find((c) => c.kind === 'warehouse') as RankedChange;
    expect(w).toMatchObject({ level: 'critical', firings: [{ rule: 'AU003' }] });
    expect(w.firings[0]?.because).toBe(
      'personal data of warehouse wa now also goes to: link to analytics (SG)',
    );
    const offsite = changes.find((c) => c.kind === 'offsite') as RankedChange;
    expect(offsite).toMatchObject({ level: 'critical', firings: [{ rule: 'AU002' }] });
    expect(offsite.firings[0]?.because).toBe('offsite: off-site backup retention 35 → 7 days');
  });

  it('a warehouse’s backups promising less is critical (AU002), each loss said; promising more is not', () => {
    const reduced = changed((m) => {
      const w = m.warehouses[0] as unknown as { backup: Record<string, unknown> };
      w.backup = {
        ...w.backup,
        schedule: '0 1 * * 0',
        fullBackupsKept: 5,
        pointInTimeDays: 3,
        rpoMinutes: 60,
        drill: null,
      };
    });
    const w = reduced.find((c) => c.kind === 'warehouse') as RankedChange;
    expect(w).toMatchObject({ level: 'critical', firings: [{ rule: 'AU002' }] });
    const id = model.warehouses[0]?.id;
    const before = model.warehouses[0]?.backup as CityModel['warehouses'][number]['backup'];
    expect(w.firings[0]?.because).toBe(
      `${id}: full backups every 1 → 7 days ("${before.schedule}" → "0 1 * * 0"); full backups kept ${before.fullBackupsKept} → 5; point-in-time window ${before.pointInTimeDays} → 3 days; recovery point objective ${before.rpoMinutes} → 60 minutes; the restore drill turned off`,
    );
    const more = changed((m) => {
      const b = (m.warehouses[0] as unknown as { backup: { fullBackupsKept: number } }).backup;
      b.fullBackupsKept += 2;
    });
    expect(more.find((c) => c.kind === 'warehouse')).toMatchObject({
      level: 'low',
      firings: [{ rule: 'AU031' }],
    });
  });

  it('a pool left below its headroom (the capacity rule CC005) is high', () => {
    const pool = model.tenants[0]?.requests[0]?.pool as string;
    const changes = changed((m) => {
      (m as unknown as { servers: unknown[] }).servers = m.servers.filter(
        (s, i) => s.pool !== pool || i % 2 === 0,
      );
    });
    const p = changes.find((c) => c.kind === 'pool' && c.id === pool) as RankedChange;
    expect(p).toMatchObject({ level: 'high', firings: [{ rule: 'AU015' }] });
    expect(p.firings[0]?.because).toMatch(/is left below its headroom: tenant .* request/);
  });
});

describe('monitoring: alerts by name and labels, jobs, targets, routes', () => {
  const rules = (alerts: object[]) => JSON.stringify({ groups: [{ name: 'g', rules: alerts }] });
  const serverDown = (criticality: string, severity: string, forTime = '5m') => ({
    alert: 'ServerDown',
    expr: `up{job="node",criticality="${criticality}"} == 0`,
    for: forTime,
    labels: { severity },
  });
  const base = [
    serverDown('critical', 'critical'),
    serverDown('high', 'warning'),
    serverDown('normal', 'info'),
  ];
  const diff = (a: object[], b: object[]) =>
    rank(diffMonitoringFile('monitoring/rules/citycloud.rules.yml', rules(a), rules(b)));

  it('tells rules of one name apart by what they select, and finds a lowered severity and a longer for', () => {
    const changes = diff(base, [
      serverDown('critical', 'warning'),
      serverDown('high', 'warning', '30m'),
      serverDown('normal', 'info'),
    ]);
    expect(changes.map((c) => [c.id, c.level, c.firings[0]?.because])).toEqual([
      [
        'ServerDown {job="node",criticality="critical"}',
        'high',
        'alert ServerDown {job="node",criticality="critical"} loosened: severity critical → warning',
      ],
      [
        'ServerDown {job="node",criticality="high"}',
        'high',
        'alert ServerDown {job="node",criticality="high"} loosened: for 5m → 30m',
      ],
    ]);
  });

  it('an alert removed is high; a tightened threshold is a low update', () => {
    expect(only(diff(base, base.slice(1)))).toMatchObject({
      level: 'high',
      action: 'remove',
      firings: [{ rule: 'AU013' }],
    });
    const pool = (t: number) => [
      {
        alert: 'PoolCpuOverHeadroom',
        expr: `pool:cpu{pool="email"} > ${t}`,
        for: '30m',
        labels: { pool: 'email', severity: 'warning' },
      },
    ];
    expect(only(diff(pool(0.8), pool(0.75)))).toMatchObject({
      id: 'PoolCpuOverHeadroom{pool="email"}',
      level: 'low',
    });
    expect(only(diff(pool(0.8), pool(0.9)))).toMatchObject({ level: 'high' });
  });

  it('a rule moved to another file of the same Prometheus is no change, or one change where it now is; not so between a shard and the global', () => {
    const moved = (before: object[], after: object[], from: string, to: string) =>
      rank(
        pairMovedRules([
          ...diffMonitoringFile(from, rules(before), undefined),
          ...diffMonitoringFile(to, undefined, rules(after)),
        ]),
      );
    // the single file split by group, the rules the same: nothing to review
    const one = 'monitoring/rules/citycloud.rules.yml';
    const servers = 'monitoring/rules/citycloud-servers.rules.yml';
    expect(moved(base, base, one, servers)).toEqual([]);
    // moved and loosened: the loosening, once, in the file it is now in
    const changes = moved(base, [serverDown('critical', 'warning'), ...base.slice(1)], one, servers);
    expect(changes.map((c) => [c.artifact, c.action, c.level, c.summary])).toEqual([
      [
        servers,
        'change',
        'high',
        `alert ServerDown {job="node",criticality="critical"} loosened: severity critical → warning (moved from ${one})`,
      ],
    ]);
    // from the global to a shard, an alert is evaluated elsewhere: a removal and an addition
    const split = moved(
      base,
      base,
      'monitoring/rules/citycloud.global.rules.yml',
      'monitoring/rules/citycloud.shard.rules.yml',
    );
    expect(split.map((c) => c.action).sort()).toEqual(['add', 'add', 'add', 'remove', 'remove', 'remove']);
  });

  it('a pool alert whose threshold follows the pool’s new headroom is an update; another raise stays a loosening', () => {
    const pool = (t: number) => [
      {
        alert: 'PoolCpuOverHeadroom',
        expr: `pool:cpu{pool="email"} > ${t}`,
        for: '30m',
        labels: { pool: 'email', severity: 'warning' },
      },
    ];
    const poolGrew = (limit: number): Change => ({
      area: 'inventory',
      artifact: 'model/city.json',
      kind: 'pool',
      id: 'email',
      action: 'change',
      summary: 'pool email: 60 → 61 servers',
      attributes: [],
      facts: { of: 'pool', belowHeadroomBefore: false, belowHeadroomAfter: false, limitAfter: limit },
    });
    const alert = diffMonitoringFile(
      'monitoring/rules/citycloud.rules.yml',
      rules(pool(0.8333)),
      rules(pool(0.836)),
    );
    const follows = rank(reconcileDerived([...alert, poolGrew(51 / 61)])).find((c) => c.kind === 'alert');
    expect(follows).toMatchObject({ level: 'low' });
    expect(follows?.summary).toContain('its threshold follows pool email');
    const other = rank(reconcileDerived([...alert, poolGrew(0.85)])).find((c) => c.kind === 'alert');
    expect(other).toMatchObject({ level: 'high', firings: [{ rule: 'AU013' }] });
    expect(only(rank(reconcileDerived(alert)))).toMatchObject({ level: 'high' });
  });

  it('a scrape job or a route removed is high; a target removed is medium', () => {
    const prom = (jobs: string[]) =>
      JSON.stringify({ scrape_configs: jobs.map((job_name) => ({ job_name })) });
    expect(
      only(
        rank(diffMonitoringFile('monitoring/prometheus.yml', prom(['node', 'warehouse']), prom(['node']))),
      ),
    ).toMatchObject({
      kind: 'scrape-job',
      id: 'warehouse',
      level: 'high',
    });
    const am = (districts: string[]) =>
      JSON.stringify({
        route: {
          receiver: 'q',
          routes: districts.map((d) => ({ receiver: `district-${d}`, matchers: [`district="${d}"`] })),
        },
        receivers: [{ name: 'q' }, ...districts.map((d) => ({ name: `district-${d}` }))],
      });
    const routes = rank(
      diffMonitoringFile('monitoring/alertmanager.yml', am(['d760', 'd761']), am(['d760'])),
    );
    expect(routes.map((c) => [c.kind, c.id, c.level])).toEqual([
      ['receiver', 'district-d761', 'high'],
      ['route', 'district="d761"', 'high'],
    ]);
    const targets = (t: string[]) => JSON.stringify([{ targets: t, labels: { pool: 'email' } }]);
    expect(
      only(
        rank(
          diffMonitoringFile(
            'monitoring/targets/nodes.json',
            targets(['a:9100', 'b:9100']),
            targets(['a:9100']),
          ),
        ),
      ),
    ).toMatchObject({
      id: 'b:9100',
      level: 'medium',
    });
  });
});

describe('the Markdown for a pull request', () => {
  it('splits a long report into parts under 65,536 characters, each with whole sections', () => {
    const changes = rank(
      Array.from({ length: 3000 }, (_, i) => ({
        area: 'terraform' as const,
        artifact: `terraform/stacks/platform-h${(i % 2) + 1}-r01/cdk.tf.json`,
        stack: 'platform',
        kind: 'kubernetes_labels',
        id: `kubernetes_labels.dc1-h1-r01-k01-u${String(i).padStart(4, '0')}`,
        action: i % 3 === 0 ? ('remove' as const) : ('add' as const),
        summary: `kubernetes_labels.dc1-h1-r01-k01-u${i} ${i % 3 === 0 ? 'removed' : 'added'}`,
        attributes: [],
        facts: { of: 'terraform-resource' as const, type: 'kubernetes_labels', constructPath: '' },
      })),
    );
    const report: AuditReport = {
      schema: AUDIT_SCHEMA,
      old: { label: 'a', manifestSha256: '', city: { name: '', code: '' }, artifacts: 0 },
      new: { label: 'b', manifestSha256: '', city: { name: '', code: '' }, artifacts: 0 },
      counts: countByLevel(changes),
      files: { unchanged: 0, changed: [] },
      changes,
    };
    const parts = reportMarkdown(report);
    expect(parts.length).toBeGreaterThan(2);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThan(COMMENT_LIMIT);
      expect(p.split('<details>').length).toBe(p.split('</details>').length);
      expect(p.trimEnd().endsWith(`_part ${i + 1} of ${parts.length}_`)).toBe(true);
    });
    expect(parts[0]).toMatch(/^## citycloud diff: a → b\n\n\| 🟥 critical/);
    // every change is in exactly one part
    const all = parts.join('\n');
    for (const c of changes.slice(0, 50))
      expect(all.split(`${c.summary.replace(/_/g, '\\_')}\n`).length).toBe(2);
    expect(JSON.parse(reportJson(report)).changes).toHaveLength(3000);
  });
});
