/**
 * The kubectl drill of a warehouse that backs up off-site (PostgreSQL and ClickHouse): the copy
 * runs the shard's own backup agent, read from a source pod as the stacks deploy it
 * (constructs/warehouse/roles-anywhere-agent.ts) and refused in a line when it is not that, with
 * a copy of its certificate; its way out is public HTTPS and DNS only; the keys come from the
 * agent's role, never a Secret; kubectl itself reads every manifest offline.
 */
import { describe, expect, it } from 'vitest';
import { rolesAnywhereAgentParts } from '../../constructs/warehouse/roles-anywhere-agent.ts';
import { backupAgentArns, type CityModel, loadCity, type Warehouse } from '../../model/index.ts';
import { ClickHouseKubectlDrill } from '../../runbooks/drill/clickhouse-drill.ts';
import type { DrillShard } from '../../runbooks/drill/drill-executor.ts';
import { KubectlDrillExecutor } from '../../runbooks/drill/kubectl-drill.ts';
import { agentParts, type OffsiteAgent, readOffsiteAgent } from '../../runbooks/drill/scratch-store.ts';
import { BUILTIN_CITY, tempDir } from '../helpers/city.ts';
import { kindsReadOffline } from '../helpers/kubectl-checks.ts';
import { realKubectl } from '../helpers/tools.ts';

const bin = realKubectl();
const model = loadCity(BUILTIN_CITY).model as CityModel;
const x = new KubectlDrillExecutor(model, { kubectl: bin, stateRoot: tempDir() });
const ch = new ClickHouseKubectlDrill(model, x);
const byId = (id: string) => model.warehouses.find((w) => w.id === id) as Warehouse;
const construction = byId('construction');
const enterprise = byId('enterprise');

/** The backup agent's ARNs of a warehouse, as the stacks give them. */
function arnsOf(w: Warehouse) {
  const arns = backupAgentArns(model.offsite, w.id);
  if (!arns) throw new Error('the built-in city names its Roles Anywhere trust anchor');
  return arns;
}

const tls = { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' };

type Spec = {
  egress: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports: { port: number }[] }[];
};
type Pod = {
  initContainers?: {
    command: string[];
    env: { name: string; value: string }[];
    volumeMounts: { mountPath: string }[];
  }[];
  containers: {
    name: string;
    image: string;
    args?: string[];
    env?: { name: string; value?: string }[];
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
  volumes: { name: string; secret?: { secretName: string } }[];
};
const items = (m: object) =>
  (m as { items: { kind: string; metadata: { name: string }; spec?: unknown; type?: string }[] }).items;
const podOf = (m: object) =>
  (items(m).find((i) => i.kind === 'StatefulSet')?.spec as { template: { spec: Pod } } | undefined)?.template
    .spec as Pod;

describe('the backup agent of an off-site copy', () => {
  it('is the shards’ own, from the one definition both use: image, serve arguments, certificate mount and volume', () => {
    const shards = rolesAnywhereAgentParts(construction.id, arnsOf(construction));
    const sidecar = shards.sidecars?.[0] as {
      name: string;
      image: string;
      args: string[];
      volumeMount: object[];
    };
    const copy = agentParts({ arns: arnsOf(construction), tls }, construction);
    expect(copy.container.name).toBe(sidecar.name);
    expect(copy.container.image).toBe(sidecar.image);
    expect(copy.container.args).toEqual(sidecar.args);
    expect(copy.container.volumeMounts).toEqual(sidecar.volumeMount);
    expect([copy.volume]).toEqual(shards.volumes);
  });

  it('reads only the certificate’s two keys, and refuses a Secret without them, in a line', async () => {
    const k = (data: object) => ({
      base: () => ['kubectl'],
      run: async () => JSON.stringify({ data }),
      scratchNamespace: () => '',
      actionArgv: () => [],
      execArgv: () => [],
    });
    const agent = await readOffsiteAgent(k({ ...tls, 'ca.crt': 'Y2E=' }), model, construction);
    expect(agent.tls).toEqual(tls);
    expect(agent.arns.roleArn).toMatch(/:role\/citycloud-backup-agent-construction$/);
    await expect(readOffsiteAgent(k({ 'tls.crt': 'Y2VydA==' }), model, construction)).rejects.toThrow(
      /^construction-backup-agent holds no tls\.crt and tls\.key: the backup agent has no certificate to sign with$/,
    );
  });
});

describe('the scratch namespace of an off-site warehouse', () => {
  const offsite: OffsiteAgent = { arns: arnsOf(construction), tls };

  it('PostgreSQL: the Spilo clone by region and role, the metadata endpoint in its clone envdir, the agent beside it', () => {
    const s: DrillShard = {
      warehouse: 'construction',
      shard: 'construction-s02',
      engine: 'postgresql',
      namespace: 'warehouse-construction',
      drill: '20261205T160000Z',
    };
    const m = x.scratchManifests(s, { kind: 'latest' }, { 'libsodium-key': 'a2V5' }, offsite);
    expect(kindsReadOffline(bin, m)).toEqual([
      'Namespace',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
      'Secret',
      'Secret',
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'StatefulSet',
    ]);
    const agentSecret = items(m).filter((i) => i.kind === 'Secret')[1];
    expect(agentSecret?.metadata.name).toBe('construction-backup-agent');
    expect(agentSecret?.type).toBe('kubernetes.io/tls');
    const policy = items(m).find((i) => i.kind === 'NetworkPolicy')?.spec as Spec;
    expect(policy.egress[0]?.to?.[0]?.ipBlock).toEqual({
      cidr: '0.0.0.0/0',
      except: [
        '10.0.0.0/8',
        '172.16.0.0/12',
        '192.168.0.0/16',
        '100.64.0.0/10',
        '169.254.0.0/16',
        '127.0.0.0/8',
        '0.0.0.0/8',
        '198.18.0.0/15',
        '224.0.0.0/3',
      ],
    });
    const pod = podOf(m);
    const env = Object.fromEntries(pod.containers[0]?.env?.map((e) => [e.name, e.value]) ?? []);
    expect(env).toMatchObject({
      CLONE_WAL_S3_BUCKET: `citycloud-${model.city.code}-backup-construction`,
      CLONE_AWS_REGION: model.offsite.region,
      CLONE_WALG_DISABLE_S3_SSE: 'true',
    });
    expect(Object.keys(env)).not.toContain('CLONE_AWS_ACCESS_KEY_ID');
    expect(Object.keys(env)).not.toContain('CLONE_AWS_ENDPOINT');
    // Spilo's clone envdir (configure_spilo.py: RW_DIR/etc/wal-e.d/env-clone-<CLONE_SCOPE>)
    const envdir = '/run/etc/wal-e.d/env-clone-construction-s02';
    expect(pod.containers[0]?.volumeMounts?.map((v) => v.mountPath)).toContain(envdir);
    const init = pod.initContainers?.[0];
    expect(init?.volumeMounts[0]?.mountPath).toBe(envdir);
    expect(Object.fromEntries(init?.env.map((e) => [e.name, e.value]) ?? [])).toEqual({
      ENDPOINT: 'http://127.0.0.1:9911',
      WALE_ENV_DIR: envdir,
    });
    expect(pod.containers.map((c) => c.name)).toEqual(['postgresql', 'backup-agent']);
    expect(pod.volumes.find((v) => v.secret)?.secret?.secretName).toBe('construction-backup-agent');
  });

  it('ClickHouse: the server’s S3 client told where the agent serves, no key, the agent beside it', () => {
    const s: DrillShard = {
      warehouse: 'enterprise',
      shard: 'enterprise-s04',
      engine: 'clickhouse',
      namespace: 'warehouse-enterprise',
      drill: '20261205T160000Z',
    };
    const agent: OffsiteAgent = { arns: arnsOf(enterprise), tls };
    const m = ch.scratchManifests(
      s,
      'full-20261205T010000Z',
      'clickhouse/clickhouse-server:24.8.14.39',
      { 'access-key-id': '', 'secret-access-key': '', password: 'cA==' },
      agent,
    );
    expect(kindsReadOffline(bin, m)).toEqual([
      'Namespace',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
      'Secret',
      'Secret',
      'ConfigMap',
      'Service',
      'StatefulSet',
      'Job',
    ]);
    const pod = podOf(m);
    const env = Object.fromEntries(pod.containers[0]?.env?.map((e) => [e.name, e.value]) ?? []);
    expect(env.AWS_EC2_METADATA_SERVICE_ENDPOINT).toBe('http://127.0.0.1:9911');
    expect(Object.keys(env)).not.toContain('AWS_ACCESS_KEY_ID');
    expect(pod.containers.map((c) => c.name)).toEqual(['clickhouse', 'backup-agent']);
    const job = items(m).find((i) => i.kind === 'Job')?.spec as { template: { spec: Pod } };
    const jobEnv = Object.fromEntries(
      job.template.spec.containers[0]?.env?.map((e) => [e.name, e.value]) ?? [],
    );
    expect(jobEnv.BACKUP_URL).toBe(
      `https://s3.${model.offsite.region}.amazonaws.com/citycloud-${model.city.code}-backup-enterprise/clickhouse/enterprise-s04`,
    );
  });

  it('is not made without the agent: an off-site copy with no way to its keys is refused', () => {
    const s: DrillShard = {
      warehouse: 'construction',
      shard: 'construction-s02',
      engine: 'postgresql',
      namespace: 'warehouse-construction',
      drill: '20261205T160000Z',
    };
    expect(() => x.scratchManifests(s, { kind: 'latest' }, {})).toThrow(
      /needs the shard's backup agent beside it/,
    );
  });
});
