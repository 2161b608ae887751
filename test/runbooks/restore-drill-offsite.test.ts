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
import { agentOfPod, type OffsiteAgent } from '../../runbooks/drill/scratch-store.ts';
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

/** A shard's pod as the stacks deploy an off-site warehouse's: its engine and the agent beside it. */
function sourcePod(w: Warehouse, patch: (agent: Record<string, unknown>) => void = () => {}) {
  const arns = backupAgentArns(model.offsite, w.id);
  if (!arns) throw new Error('the built-in city names its Roles Anywhere trust anchor');
  const parts = rolesAnywhereAgentParts(w.id, arns);
  const sidecar = parts.sidecars?.[0] as {
    name: string;
    image: string;
    args: string[];
    volumeMount: object[];
  };
  const agent: Record<string, unknown> = {
    name: sidecar.name,
    image: sidecar.image,
    args: sidecar.args,
    volumeMounts: sidecar.volumeMount,
  };
  patch(agent);
  return JSON.stringify({
    spec: {
      containers: [{ name: w.engine, image: 'clickhouse/clickhouse-server:24.8.14.39' }, agent],
      volumes: parts.volumes,
    },
  });
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

describe('the backup agent a drill copies from a source pod', () => {
  it('is the one the stacks deploy: its image, its serve arguments, its certificate’s mount and port', () => {
    const agent = agentOfPod(sourcePod(construction), construction, 'construction-s01-0');
    expect(agent.args[0]).toBe('serve');
    expect(agent.port).toBe(9911);
    expect(agent.mountPath).toBe('/etc/backup-agent');
    expect(agent.image).toMatch(/rolesanywhere-credential-helper:1\.8\.0$/);
  });

  it.each([
    ['no agent', (a: Record<string, unknown>) => (a.name = 'other'), /runs no backup-agent container/],
    [
      'an argument a shell would read',
      (a: Record<string, unknown>) => (a.args = ['serve', '--port', '9911', '$(curl evil)']),
      /arguments other than aws_signing_helper serve's/,
    ],
    [
      'another program',
      (a: Record<string, unknown>) => (a.args = ['sh', '-c', 'id']),
      /arguments other than/,
    ],
    ['no port', (a: Record<string, unknown>) => (a.args = ['serve']), /without a --port/],
    [
      'an image it cannot read',
      (a: Record<string, unknown>) => (a.image = 'Evil Image;'),
      /image the drill cannot read/,
    ],
  ])('refuses a pod with %s, in a line', (_what, patch, message) => {
    const err = (() => {
      try {
        agentOfPod(sourcePod(construction, patch), construction, 'construction-s01-0');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(err).toMatch(message);
    expect(err).toMatch(
      /^construction-s01-0 .*: the drill of an off-site warehouse runs the shard's own backup agent beside the copy$/,
    );
  });

  it('refuses an agent signing with a certificate that is not the warehouse’s agent Secret', () => {
    const pod = JSON.parse(sourcePod(construction));
    pod.spec.volumes[0].secret.secretName = 'population-backup-credentials';
    expect(() => agentOfPod(JSON.stringify(pod), construction, 'p')).toThrow(
      /mounts "population-backup-credentials" as its certificate, not construction-backup-agent/,
    );
  });
});

describe('the scratch namespace of an off-site warehouse', () => {
  const offsite: OffsiteAgent = { agent: agentOfPod(sourcePod(construction), construction, 'p'), tls };

  it('PostgreSQL: the Spilo clone by region and role, the metadata endpoint in its clone envdir, the agent beside it', () => {
    const s: DrillShard = {
      warehouse: 'construction',
      shard: 'construction-s02',
      engine: 'postgresql',
      namespace: 'warehouse-construction',
    };
    const m = x.scratchManifests(s, { kind: 'latest' }, { 'libsodium-key': 'a2V5' }, offsite);
    expect(kindsReadOffline(bin, m)).toEqual([
      'Namespace',
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
      except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
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
      ENV_DIR: envdir,
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
    };
    const agent: OffsiteAgent = { agent: agentOfPod(sourcePod(enterprise), enterprise, 'p'), tls };
    const m = ch.scratchManifests(
      s,
      'full-20261205T010000Z',
      'clickhouse/clickhouse-server:24.8.14.39',
      { 'access-key-id': '', 'secret-access-key': '', password: 'cA==' },
      agent,
    );
    expect(kindsReadOffline(bin, m)).toEqual([
      'Namespace',
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
    };
    expect(() => x.scratchManifests(s, { kind: 'latest' }, {})).toThrow(
      /needs the shard's backup agent beside it/,
    );
  });
});
