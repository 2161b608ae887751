/**
 * Where a drill's scratch namespace reads a warehouse's backups from, and what it needs to: the
 * city's second site (keys from a copy of the warehouse's backup Secret; out only to its
 * addresses) or the off-site bucket on AWS (the backup agent's role through IAM Roles Anywhere;
 * out to public addresses on 443, the private ranges shut). Off-site, the scratch pod runs the
 * credential helper the shards run, as the model defines it for both (model/backup-agent.ts),
 * with a copy of its certificate's Secret, and tells the AWS SDKs in the pod where it serves
 * (`AWS_EC2_METADATA_SERVICE_ENDPOINT`).
 */

import {
  AGENT_CERT_DIR,
  AGENT_CONTAINER,
  AGENT_VOLUME,
  backupAgentArgs,
  SIGNING_HELPER_IMAGE,
} from '../../model/backup-agent.ts';
import {
  backupAgentSecret,
  offsiteTarget,
  PRIVATE_RANGES,
  secondSiteTarget,
} from '../../model/backup-target.ts';
import {
  type BackupAgentArns,
  backupAgentArns,
  type CityModel,
  restoreDrillName,
  type Warehouse,
  warehouseNamespace,
} from '../../model/index.ts';
import type { DrillShard, KubectlSession } from './drill-executor.ts';

/** Where a warehouse's backups are. */
export type DrillStore =
  | {
      readonly kind: 'second-site';
      readonly endpoint: string;
      readonly bucket: string;
      readonly cidr: string;
    }
  | { readonly kind: 'offsite'; readonly endpoint: string; readonly bucket: string; readonly region: string };

/** The store of a warehouse's backups, or a one-line reason there is none. */
export function drillStore(model: CityModel, w: Warehouse): DrillStore {
  const site = secondSiteTarget(model, w);
  if (site && model.secondSite) return { kind: 'second-site', ...site, cidr: model.secondSite.cidr };
  const offsite = offsiteTarget(model, w);
  if (offsite) return { kind: 'offsite', ...offsite };
  throw new Error(
    `warehouse ${w.id} backs up to the ${w.backupTo}, which the inventory does not describe: there is nothing to restore from`,
  );
}

/** The Role and RoleBinding by which the scheduled drill's account reads its own scratch place. */
export const DRILL_OPERATOR = 'drill-operator';

/** The labels naming the shard a scratch namespace is a copy of, and the drill that made it. */
export const DRILL_OF = 'citycloud.hcmc.gov.vn/drill-of';
export const DRILL_ID = 'citycloud.hcmc.gov.vn/drill';

/**
 * How long a drill may hold a scratch place: the scheduled drill's Job is stopped after a day
 * (constructs/warehouse/restore-drill.ts, activeDeadlineSeconds). Another drill's place younger
 * than this is that drill's, under way; older, it was left by a drill killed, and is removed.
 */
export const DRILL_LIFETIME_SECONDS = 24 * 3600;

/**
 * A scratch namespace's frame: its labels, its objects' metadata, the namespace itself and a
 * policy that lets nothing in from outside it and out only to the backup store (HTTPS) and DNS;
 * `within`: the one port the namespace's own pods may reach each other on (the restore job to its
 * server), else none.
 */
export function scratchFrame(
  ns: string,
  shard: Pick<DrillShard, 'warehouse' | 'shard' | 'drill'>,
  store: DrillStore,
  within?: number,
) {
  const labels = { 'app.kubernetes.io/part-of': ns, [DRILL_OF]: shard.shard, [DRILL_ID]: shard.drill };
  const meta = (name: string) => ({ name, namespace: ns, labels });
  const inNamespace = { to: [{ podSelector: {} }], ports: [{ port: within, protocol: 'TCP' }] };
  const [toStore, dns] = storeEgress(store);
  const items: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
    // what the drill reads here, granted here to its account (which holds no such read
    // cluster-wide: constructs/warehouse/restore-drill.ts)
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(DRILL_OPERATOR),
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(DRILL_OPERATOR),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: DRILL_OPERATOR },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: restoreDrillName(shard.warehouse),
          namespace: warehouseNamespace(shard.warehouse),
        },
      ],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('deny-all-but-backup-store'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: within === undefined ? [] : [{ from: inNamespace.to, ports: inNamespace.ports }],
        egress: within === undefined ? [toStore, dns] : [toStore, inNamespace, dns],
      },
    },
  ];
  return { labels, meta, items };
}

/** A NetworkPolicy's way out to the store (HTTPS), and to the cluster's DNS. */
export function storeEgress(store: DrillStore): object[] {
  return [
    store.kind === 'second-site'
      ? { to: [{ ipBlock: { cidr: store.cidr } }], ports: [{ port: 443, protocol: 'TCP' }] }
      : {
          // S3's and Roles Anywhere's addresses change: public ones, never the city's own
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }],
          ports: [{ port: 443, protocol: 'TCP' }],
        },
    {
      // the cluster's DNS only, as every citycloud namespace (constructs/namespace-policies.ts
      // allowDns): port 53 anywhere would be a way out of the country
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    },
  ];
}

/**
 * The backup agent of an off-site warehouse's copy: the shards' own (model/backup-agent.ts: the
 * image, `serve` arguments and port the stacks give them, the role from the inventory's
 * `offsite.rolesAnywhere`), never read from a pod, with its certificate's Secret copied.
 */
export interface OffsiteAgent {
  readonly arns: BackupAgentArns;
  /** The Secret's data as the API server holds it (base64). */
  readonly tls: Readonly<Record<string, string>>;
}

/** The agent's container and its certificate's volume, for a scratch pod (the Secret copied by name). */
export function agentParts(agent: OffsiteAgent, w: Pick<Warehouse, 'id'>) {
  return {
    container: {
      name: AGENT_CONTAINER,
      image: SIGNING_HELPER_IMAGE,
      args: backupAgentArgs(agent.arns),
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } },
      volumeMounts: [{ name: AGENT_VOLUME, mountPath: AGENT_CERT_DIR, readOnly: true }],
    },
    volume: { name: AGENT_VOLUME, secret: { secretName: backupAgentSecret(w.id) } },
  };
}

/** The argv reading a source pod's spec, and the agent's certificate Secret. */
export const sourcePodArgv = (k: KubectlSession, w: Pick<Warehouse, 'id'>, pod: string) => [
  ...k.base(),
  'get',
  'pod',
  pod,
  '-n',
  warehouseNamespace(w.id),
  '-o',
  'json',
];
export const agentSecretArgv = (k: KubectlSession, w: Pick<Warehouse, 'id'>) => [
  ...k.base(),
  'get',
  'secret',
  backupAgentSecret(w.id),
  '-n',
  warehouseNamespace(w.id),
  '-o',
  'json',
];

/** The agent of an off-site warehouse's copy: its role from the inventory, its certificate read. */
export async function readOffsiteAgent(
  k: KubectlSession,
  model: Pick<CityModel, 'offsite'>,
  w: Pick<Warehouse, 'id'>,
): Promise<OffsiteAgent> {
  const arns = backupAgentArns(model.offsite, w.id);
  // CC026 refuses an inventory with an off-site warehouse and no offsite.rolesAnywhere
  if (!arns)
    throw new Error(
      `the inventory names no offsite.rolesAnywhere: warehouse ${w.id}'s backups cannot be read`,
    );
  const secret = JSON.parse(await k.run(agentSecretArgv(k, w))) as { data?: Record<string, string> };
  const tls = secret.data ?? {};
  if (!tls['tls.crt'] || !tls['tls.key'])
    throw new Error(
      `${backupAgentSecret(w.id)} holds no tls.crt and tls.key: the backup agent has no certificate to sign with`,
    );
  return { arns, tls: { 'tls.crt': tls['tls.crt'], 'tls.key': tls['tls.key'] } };
}
