/**
 * The kubectl drill executor's command lines, checked by the real kubectl 1.34 (no API server can
 * run here): each takes every flag and fails only for want of a server ("connection refused"),
 * the scratch namespace's manifests are read by kubectl itself offline (`label --local`), and the
 * command line says no cluster answers, exit 69, before it journals anything.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import type { DrillShard } from '../../runbooks/drill/drill-executor.ts';
import { DRILL_QUERIES, FIGURES_PY, KubectlDrillExecutor } from '../../runbooks/drill/kubectl-drill.ts';
import { BUILTIN_CITY, runCli, tempDir } from '../helpers/city.ts';
import { expectOnlyServerMissing, kindsReadOffline } from '../helpers/kubectl-checks.ts';
import { realKubectl, unreachableKubeconfig } from '../helpers/tools.ts';

const bin = realKubectl();
const model = loadCity(BUILTIN_CITY).model as CityModel;
const x = new KubectlDrillExecutor(model, {
  kubectl: bin,
  kubectlArgs: ['--server', 'https://127.0.0.1:1', '--token', 'x', '--request-timeout=5s'],
  stateRoot: tempDir(),
});
const shard: DrillShard = {
  warehouse: 'population',
  shard: 'population-s03',
  engine: 'postgresql',
  namespace: 'warehouse-population',
  drill: '20261205T160000Z',
};

describe('the kubectl drill executor’s command lines', () => {
  it.each(DRILL_QUERIES)('reading %s: kubectl takes every flag, and only the server is missing', (q) =>
    expectOnlyServerMissing(x.queryArgv(q, shard, 'population-s03-1')),
  );

  it('the readiness probe, the segment fetch, the figures and the teardown: only the server is missing', () => {
    expectOnlyServerMissing(x.readyArgv());
    expectOnlyServerMissing(x.unarchivedArgv(shard, 'population-s03-1', 1, 0x0a_ff00_0000n, 0x0b_0000_0128n));
    expectOnlyServerMissing(x.unarchivedArgv(shard, 'population-s03-1', 1, null, 0x0b_0000_0128n));
    expectOnlyServerMissing(x.figuresArgv('warehouse-population', 'population-s03-1', 'citycloud-drill-x'));
    expectOnlyServerMissing(x.actionArgv('delete', shard));
  });

  it('the apply of the scratch namespace takes its manifests on stdin: only the server is missing', () => {
    const manifests = x.scratchManifests(shard, { kind: 'latest' }, { 'access-key-id': 'QUtJQQ==' });
    expectOnlyServerMissing(x.actionArgv('apply', shard), JSON.stringify(manifests));
  });

  it('the log not archived is read where Spilo keeps it, between two positions the tool prints itself', () => {
    expect(x.unarchivedArgv(shard, 'p', 1, 0x0a_ff00_0000n, 0x0b_0000_0128n).slice(-7)).toEqual([
      'pg_waldump',
      '--rmgr=Transaction',
      '--timeline=1',
      '-p',
      '/home/postgres/pgdata/pgroot/data/pg_wal',
      '--start=A/FF000000',
      '--end=B/128',
    ]);
  });

  it('the scratch namespace: read by kubectl offline, nothing in or out but the backup store and DNS, Spilo told to clone by its CLONE_ settings', () => {
    const _dir = tempDir();
    const manifests = x.scratchManifests(
      shard,
      { kind: 'restore-point', name: 'citycloud-drill-20261205T160000Z-population-s03', at: 1_796_400_000 },
      { 'access-key-id': 'QUtJQUVYQU1QTEU=', 'secret-access-key': 'c2VjcmV0', 'libsodium-key': 'a2V5' },
    ) as { items: { kind: string; metadata: { name: string; namespace?: string }; spec?: unknown }[] };
    expect(kindsReadOffline(bin, manifests)).toEqual([
      'Namespace',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
      'Secret',
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'StatefulSet',
    ]);
    const ns = 'warehouse-population-drill-s03';
    expect(
      manifests.items.filter((i) => i.kind !== 'Namespace').every((i) => i.metadata.namespace === ns),
    ).toBe(true);
    const policy = manifests.items.find((i) => i.kind === 'NetworkPolicy')?.spec as {
      podSelector: object;
      policyTypes: string[];
      ingress: unknown[];
      egress: { to?: { ipBlock: { cidr: string } }[]; ports: { port: number }[] }[];
    };
    expect(policy).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [] });
    expect(policy.egress[0]?.to?.[0]?.ipBlock.cidr).toBe(model.secondSite?.cidr);
    expect(policy.egress.flatMap((e) => e.ports.map((p) => p.port)).sort()).toEqual([443, 53, 53]);
    const set = manifests.items.find((i) => i.kind === 'StatefulSet')?.spec as {
      template: { spec: { containers: { image: string; env: { name: string; value?: string }[] }[] } };
    };
    const env = Object.fromEntries(set.template.spec.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);
    expect(env).toMatchObject({
      CLONE_METHOD: 'CLONE_WITH_WALE',
      CLONE_SCOPE: 'population-s03',
      CLONE_WAL_BUCKET_SCOPE_PREFIX: 'warehouse-population-',
      CLONE_WAL_S3_BUCKET: 'citycloud-backup-population',
      CLONE_AWS_ENDPOINT: model.secondSite?.endpoint,
      CLONE_TARGET_TIME: new Date(1_796_400_000 * 1000).toISOString(),
    });
    // the keys come by reference from the copied Secret; no value is in the container's env
    expect(env.CLONE_AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(set.template.spec.containers[0]?.image).toBe('ghcr.io/zalando/spilo-16:3.3-p3');
  });

  it('the figures program reads the SQL it is given, the same the local drill runs', () => {
    const argv = x.figuresArgv('ns', 'pod', null);
    const args = JSON.parse(argv.at(-1) as string) as Record<string, string>;
    expect(argv.at(-3)).toBe('-c');
    expect(argv.at(-2)).toBe(FIGURES_PY);
    expect(args.figures).toContain('FROM {table} t');
    expect(args.restorePoint).toBeUndefined();
  });

  it('citycloud runbook restore-drill --executor kubectl says no cluster answers, exit 69, and journals nothing', () => {
    const dir = tempDir();
    const kubeconfig = unreachableKubeconfig(dir);
    const runs = join(dir, 'runs');
    const r = runCli(
      [
        'runbook',
        'restore-drill',
        '--executor',
        'kubectl',
        '--warehouse',
        'population',
        '--runs-dir',
        runs,
        '--approved-by',
        'lan',
        '--site',
        join(dir, 'site'),
      ],
      undefined,
      { KUBECONFIG: kubeconfig, PATH: `${dirname(bin)}:${process.env.PATH}` },
    );
    expect(r.stderr).toMatch(
      /no Kubernetes API server answers on kube context \(current\) \(.*refused.*\); nothing was started or journaled/,
    );
    expect(r.code).toBe(69);
    expect(existsSync(runs) ? readdirSync(runs).filter((f) => f.startsWith('restore-drill')) : []).toEqual(
      [],
    );
  });

  it('without kubectl, the kubectl executor says so, exit 69', () => {
    const r = runCli(
      [
        'runbook',
        'restore-drill',
        '--executor',
        'kubectl',
        '--warehouse',
        'population',
        '--approved-by',
        'lan',
        '--runs-dir',
        tempDir(),
      ],
      undefined,
      { PATH: '/nonexistent' },
    );
    expect(r.stderr).toMatch(/kubectl is not installed; the kubectl drill executor needs it/);
    expect(r.code).toBe(69);
  });
});
