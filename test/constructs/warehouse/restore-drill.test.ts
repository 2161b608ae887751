import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1/index.js';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1/index.js';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest/index.js';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1/index.js';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1/index.js';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CITYCLOUD_IMAGE } from '../../../constructs/warehouse/restore-drill.ts';
import { backupAgentArns, type CityModel, loadCity, type Warehouse } from '../../../model/index.ts';
import { CLICKHOUSE_READINGS, ClickHouseKubectlDrill } from '../../../runbooks/drill/clickhouse-drill.ts';
import { DRILL_QUERIES, KubectlDrillExecutor } from '../../../runbooks/drill/kubectl-drill.ts';
import { agentSecretArgv, sourcePodArgv } from '../../../runbooks/drill/scratch-store.ts';

/** An off-site warehouse's agent, as the drill copies it. */
const agentOf = (w: Warehouse) => ({
  arns: backupAgentArns(city.offsite, w.id) ?? { trustAnchorArn: '', profileArn: '', roleArn: '' },
  tls: { 'tls.crt': '', 'tls.key': '' },
});

import { command } from '../../../scripts/commands/runbook/restore-drill.ts';
import { BUILTIN_CITY, type RawCity } from '../../helpers/city.ts';
import { synthWarehouse } from '../../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const synth = (warehouse: Warehouse) => synthWarehouse(city, warehouse.id, { warehouse });
const population = city.warehouses.find((w) => w.id === 'population') as Warehouse;

describe('the restore drill', () => {
  const json = synth(population);

  it('runs the citycloud image’s restore drill by CronJob on the promise’s schedule in UTC, never two at once, never retried', () => {
    const job = json[CronJobV1.tfResourceType]?.['population-restore-drill'];
    expect(job.metadata.name).toBe('population-restore-drill');
    expect(job.metadata.namespace).toBe('warehouse-population');
    expect(job.metadata.labels['citycloud.hcmc.gov.vn/backup-job']).toBe('restore-drill');
    // the default drill, the 2nd at 03:00 in the city, is the 1st at 20:00 UTC, the CronJob's clock
    expect(population.backup.drill).toBe('0 3 2 * *');
    expect(job.spec.schedule).toBe('0 20 1 * *');
    expect(job.spec.concurrency_policy).toBe('Forbid');
    const spec = job.spec.job_template.spec;
    expect(spec.backoff_limit).toBe(0);
    const pod = spec.template.spec;
    expect(pod.service_account_name).toBe('population-restore-drill');
    expect(pod.container[0].image).toBe(CITYCLOUD_IMAGE);
    expect(CITYCLOUD_IMAGE).toMatch(
      /^registry\.hcmc\.gov\.vn\/platform\/citycloud:0\.1\.0@sha256:[0-9a-f]{64}$/,
    );
    expect(pod.container[0].args).toEqual([
      'runbook',
      'restore-drill',
      '--executor',
      'kubectl',
      '--warehouse',
      'population',
      '--scheduled',
    ]);
    // every flag is one the command line's restore-drill takes
    const runbook = new Command('runbook');
    command.register(runbook);
    const drill = runbook.commands.find((c) => c.name() === 'restore-drill') as Command;
    expect(drill.parseOptions(pod.container[0].args.slice(2)).unknown).toEqual([]);
    expect(drill.parseOptions(['--yes']).unknown).toEqual(['--yes']);
  });

  it('may read in its warehouse’s namespace the backup Secret by name and the shards’ pods; cluster-wide only namespaces’ names', () => {
    expect(json[ServiceAccountV1.tfResourceType]?.['population-restore-drill']?.metadata.namespace).toBe(
      'warehouse-population',
    );
    expect(json[RoleV1.tfResourceType]?.['population-restore-drill']?.rule).toEqual([
      { api_groups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { api_groups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
      {
        api_groups: [''],
        resources: ['secrets'],
        resource_names: ['population-backup-credentials'],
        verbs: ['get'],
      },
    ]);
    const rules: RawCity[] = json[ClusterRoleV1.tfResourceType]?.['citycloud-population-restore-drill']?.rule;
    // no Secret, pod, ConfigMap, Job or log of another namespace is read cluster-wide: copies are
    // written into the scratch namespace, and what the drill reads there it grants itself there
    const reads = rules.filter((r) => r.verbs.some((v: string) => ['get', 'list', 'watch'].includes(v)));
    expect(reads.flatMap((r) => r.resources)).toEqual(['namespaces']);
    expect(rules.flatMap((r) => r.verbs)).not.toContain('*');
    expect(rules.find((r) => r.resources.includes('roles'))?.verbs).toEqual([
      'create',
      'patch',
      'escalate',
      'bind',
    ]);
    expect(rules.find((r) => r.resources.includes('namespaces'))?.verbs).toEqual([
      'get',
      'create',
      'patch',
      'delete',
    ]);
  });

  it('off-site, may read its backup agent’s certificate too (the copy runs the shard’s agent), by name', () => {
    const construction = city.warehouses.find((w) => w.id === 'construction') as Warehouse;
    expect(construction.backupTo).toBe('offsite');
    expect(
      synth(construction)[RoleV1.tfResourceType]?.['construction-restore-drill']?.rule[2].resource_names,
    ).toEqual(['construction-backup-credentials', 'construction-backup-agent']);
  });

  it('may create and apply again every object either engine’s scratch namespace holds (the manifests the drill writes)', () => {
    const x = new KubectlDrillExecutor(city, { stateRoot: '/nonexistent' });
    const health = city.warehouses.find((w) => w.id === 'health') as Warehouse;
    const rules: RawCity[] =
      synth(health)[ClusterRoleV1.tfResourceType]?.['citycloud-health-restore-drill']?.rule;
    const kinds = [
      x.scratchManifests(
        {
          warehouse: 'population',
          shard: 'population-s01',
          engine: 'postgresql',
          namespace: 'warehouse-population',
          drill: '20261205T160000Z',
        },
        { kind: 'latest' },
        {},
      ),
      new ClickHouseKubectlDrill(city, x).scratchManifests(
        {
          warehouse: 'health',
          shard: 'health-s01',
          engine: 'clickhouse',
          namespace: 'warehouse-health',
          drill: '20261205T160000Z',
        },
        'full-20261205T010000Z',
        'clickhouse/clickhouse-server:24.8.14.39',
        { 'access-key-id': '', 'secret-access-key': '', password: '' },
      ),
    ].flatMap((m) => (m as { items: { apiVersion: string; kind: string }[] }).items);
    const plural = (kind: string) => kind.toLowerCase().replace(/y$/, 'ie').concat('s');
    const missing = kinds.filter(({ apiVersion, kind }) => {
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      const verbs = rules
        .filter((r) => r.api_groups.includes(group) && r.resources.includes(plural(kind)))
        .flatMap((r) => r.verbs);
      return !(verbs.includes('create') && verbs.includes('patch'));
    });
    expect(new Set(kinds.map((k) => k.kind)).size).toBeGreaterThanOrEqual(9);
    expect(missing).toEqual([]);
  });

  it('may make every reading either engine’s drill makes: each kubectl verb checked against its Role and ClusterRole', () => {
    const x = new KubectlDrillExecutor(city, { kubectl: 'kubectl', stateRoot: '/nonexistent' });
    const ch = new ClickHouseKubectlDrill(city, x);
    const offsite = city.warehouses.find(
      (w) => w.engine === 'clickhouse' && w.backupTo === 'offsite',
    ) as Warehouse;
    for (const w of [population, city.warehouses.find((v) => v.id === 'health') as Warehouse, offsite]) {
      const json = synth(w);
      const role: RawCity[] = json[RoleV1.tfResourceType]?.[`${w.id}-restore-drill`]?.rule;
      const cluster: RawCity[] =
        json[ClusterRoleV1.tfResourceType]?.[`citycloud-${w.id}-restore-drill`]?.rule;
      const s = {
        warehouse: w.id,
        shard: `${w.id}-s01`,
        engine: w.engine,
        namespace: `warehouse-${w.id}`,
        drill: '20261205T160000Z',
      };
      const argvs =
        w.engine === 'postgresql'
          ? DRILL_QUERIES.map((q) => x.queryArgv(q, s, `${w.id}-s01-0`))
          : [
              ...CLICKHOUSE_READINGS.map((q) => ch.readingArgv(q, s)),
              ch.sourceArgv(s, `${w.id}-s01-0`),
              ch.scratchArgv(s, 'SELECT 1'),
              sourcePodArgv(x, w, `${w.id}-s01-0`),
              ...(w.backupTo === 'offsite' ? [agentSecretArgv(x, w)] : []),
              x.queryArgv('namespace', s),
              x.queryArgv('pod', s),
              x.queryArgv('logs', s),
            ];
      // what the drill grants its account in its scratch place (the manifests it applies)
      const scratchNs = x.scratchNamespace(s);
      const applied = (
        (w.engine === 'postgresql'
          ? x.scratchManifests(s, { kind: 'latest' }, {}, w.backupTo === 'offsite' ? agentOf(w) : undefined)
          : ch.scratchManifests(
              s,
              'full-20261205T010000Z',
              'clickhouse/clickhouse-server:24.8.14.39',
              { 'access-key-id': '', 'secret-access-key': '', password: '' },
              w.backupTo === 'offsite' ? agentOf(w) : undefined,
            )) as {
          items: {
            kind: string;
            metadata: { name: string };
            rules?: RawCity[];
            roleRef?: { name: string };
            subjects?: RawCity[];
          }[];
        }
      ).items;
      const granted = applied
        .filter(
          (b) =>
            b.kind === 'RoleBinding' &&
            b.subjects?.some(
              (u) => u.name === `${w.id}-restore-drill` && u.namespace === `warehouse-${w.id}`,
            ),
        )
        .flatMap(
          (b) => applied.find((r) => r.kind === 'Role' && r.metadata.name === b.roleRef?.name)?.rules ?? [],
        );
      const may = (group: string, resource: string, verb: string, ns: string | null, name?: string) =>
        (ns === scratchNs &&
          granted.some(
            (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
          )) ||
        cluster.some(
          (r) =>
            r.api_groups.includes(group) &&
            r.resources.includes(resource) &&
            r.verbs.includes(verb) &&
            !r.resource_names,
        ) ||
        (ns === `warehouse-${w.id}` &&
          role.some(
            (r) =>
              r.api_groups.includes(group) &&
              r.resources.includes(resource) &&
              r.verbs.includes(verb) &&
              (!r.resource_names || (name !== undefined && r.resource_names.includes(name))),
          ));
      const denied = [...argvs, x.actionArgv('delete', s)].filter((argv) => {
        const [verb, ...rest] = argv.slice(1);
        const ns = rest[rest.indexOf('-n') + 1] ?? null;
        if (verb === 'exec') return !may('', 'pods/exec', 'create', ns);
        if (verb === 'logs')
          return rest.some((a) => a.startsWith('job/'))
            ? !(
                may('batch', 'jobs', 'get', ns) &&
                may('', 'pods', 'list', ns) &&
                may('', 'pods/log', 'get', ns)
              )
            : !may('', 'pods/log', 'get', ns);
        const [kind = '', name] = rest;
        const [group, resource] = (
          {
            secret: ['', 'secrets'],
            pod: ['', 'pods'],
            pods: ['', 'pods'],
            job: ['batch', 'jobs'],
            namespace: ['', 'namespaces'],
          } as Record<string, [string, string]>
        )[kind] ?? ['?', kind];
        return !may(
          group,
          resource,
          verb === 'delete' ? 'delete' : verb === 'get' && kind === 'pods' ? 'list' : 'get',
          ns,
          name,
        );
      });
      expect(denied.map((a) => a.slice(1, 6).join(' '))).toEqual([]);
    }
  });

  it('may write and exec only in its scratch namespaces and the shards’ pods, by an admission policy', () => {
    const manifests = Object.values(json[Manifest.tfResourceType] ?? {}).map((m) => m.manifest);
    const policy = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicy');
    expect(policy.metadata.name).toBe('citycloud-population-restore-drill');
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConditions).toEqual([
      {
        name: 'restore-drill-account',
        expression:
          "request.userInfo.username == 'system:serviceaccount:warehouse-population:population-restore-drill'",
      },
    ]);
    expect(policy.spec.matchConstraints.resourceRules[0].operations).toEqual([
      'CREATE',
      'UPDATE',
      'DELETE',
      'CONNECT',
    ]);
    const rule: string = policy.spec.validations[0].expression;
    expect(rule).toContain("request.namespace.matches('^warehouse-population-drill-s[0-9]+$')");
    expect(rule).toContain(".matches('^warehouse-population-drill-s[0-9]+$'))");
    expect(rule).not.toContain('startsWith');
    expect(rule).toContain("request.name.matches('^population-s[0-9]+-[0-9]+$')");
    expect(manifests.find((m) => m.kind === 'ValidatingAdmissionPolicyBinding')?.spec).toEqual({
      policyName: 'citycloud-population-restore-drill',
      validationActions: ['Deny'],
    });
  });

  it('is there only for a warehouse whose promise has a drill', () => {
    const none = synth({ ...population, backup: { ...population.backup, drill: null } });
    expect(none[CronJobV1.tfResourceType]?.['population-restore-drill']).toBeUndefined();
    expect(none[Manifest.tfResourceType]).toBeUndefined();
  });
});
