/**
 * Where a drill's scratch namespace reads a warehouse's backups from, and what it needs to: the
 * city's second site (keys from a copy of the warehouse's backup Secret; out only to its
 * addresses) or the off-site bucket on AWS (the backup agent's role through IAM Roles Anywhere;
 * out to public addresses on 443, the private ranges shut). Off-site, the scratch pod runs the
 * same credential helper the shard's pods run, read from a source pod (its image and arguments,
 * checked; nothing else of that pod is copied), with a copy of its certificate's Secret, and tells
 * the AWS SDKs in the pod where it serves (`AWS_EC2_METADATA_SERVICE_ENDPOINT`).
 */
import {
  backupAgentSecret,
  offsiteTarget,
  PRIVATE_RANGES,
  secondSiteTarget,
} from '../../model/backup-target.ts';
import { type CityModel, type Warehouse, warehouseNamespace } from '../../model/index.ts';
import type { KubectlSession } from './drill-executor.ts';

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

/** The label naming the shard a scratch namespace is the drill's copy of. */
export const DRILL_OF = 'citycloud.hcmc.gov.vn/drill-of';

/**
 * A scratch namespace's frame: its labels, its objects' metadata, the namespace itself and a
 * policy that lets nothing in from outside it and out only to the backup store (HTTPS) and DNS;
 * `within`: the one port the namespace's own pods may reach each other on (the restore job to its
 * server), else none.
 */
export function scratchFrame(ns: string, shard: string, store: DrillStore, within?: number) {
  const labels = { 'app.kubernetes.io/part-of': ns, [DRILL_OF]: shard };
  const meta = (name: string) => ({ name, namespace: ns, labels });
  const inNamespace = { to: [{ podSelector: {} }], ports: [{ port: within, protocol: 'TCP' }] };
  const [toStore, dns] = storeEgress(store);
  const items: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
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

/** A NetworkPolicy's way out to the store (HTTPS), and to DNS. */
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
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    },
  ];
}

/** The credential helper a source pod runs, as the scratch pod runs it again. */
export interface BackupAgent {
  readonly image: string;
  readonly args: readonly string[];
  /** Where its certificate's Secret is mounted. */
  readonly mountPath: string;
  /** The port it serves the role's credentials on, on 127.0.0.1. */
  readonly port: number;
}

const AGENT_CONTAINER = 'backup-agent';
const AGENT_VOLUME = 'backup-agent-tls';
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/;
/** An argument of `aws_signing_helper serve`: flags, paths, ARNs and numbers, nothing a shell reads. */
const ARG = /^[A-Za-z0-9/][A-Za-z0-9:/._=+-]{0,2047}$|^--[a-z-]{1,40}$/;

interface PodSpec {
  spec?: {
    containers?: {
      name?: string;
      image?: string;
      args?: unknown[];
      volumeMounts?: { name?: string; mountPath?: string }[];
    }[];
    volumes?: { name?: string; secret?: { secretName?: string } }[];
  };
}

/**
 * The backup agent of a source pod (`kubectl get pod -o json`): its image and `serve` arguments,
 * where its certificate is mounted, and its port; refused in a line when the pod runs none, or one
 * whose certificate is not the warehouse's agent Secret, or arguments that are not plain values.
 */
export function agentOfPod(podJson: string, w: Pick<Warehouse, 'id'>, pod: string): BackupAgent {
  const p = JSON.parse(podJson) as PodSpec;
  const c = p.spec?.containers?.find((x) => x.name === AGENT_CONTAINER);
  const mount = c?.volumeMounts?.find((m) => m.name === AGENT_VOLUME);
  const secret = p.spec?.volumes?.find((v) => v.name === AGENT_VOLUME)?.secret?.secretName;
  const args = (c?.args ?? []).map(String);
  const port = Number(args[args.indexOf('--port') + 1] ?? Number.NaN);
  const problem = !c
    ? `runs no ${AGENT_CONTAINER} container`
    : !IMAGE.test(c.image ?? '')
      ? `runs its ${AGENT_CONTAINER} from an image the drill cannot read (${String(c.image).slice(0, 80)})`
      : args[0] !== 'serve' || !args.every((a) => ARG.test(a))
        ? `runs its ${AGENT_CONTAINER} with arguments other than aws_signing_helper serve's`
        : !Number.isInteger(port) || port < 1 || port > 65_535
          ? `runs its ${AGENT_CONTAINER} without a --port`
          : !mount?.mountPath || !/^\/[A-Za-z0-9/._-]{1,200}$/.test(mount.mountPath)
            ? `mounts no ${AGENT_VOLUME} into its ${AGENT_CONTAINER}`
            : secret !== backupAgentSecret(w.id)
              ? `mounts ${JSON.stringify(String(secret)).slice(0, 60)} as its certificate, not ${backupAgentSecret(w.id)}`
              : null;
  if (problem !== null || !c || !mount?.mountPath)
    throw new Error(
      `${pod} ${problem}: the drill of an off-site warehouse runs the shard's own backup agent beside the copy`,
    );
  return { image: c.image ?? '', args, mountPath: mount.mountPath, port };
}

/** Where the pod's AWS SDKs find the agent's credentials (as IMDSv2). */
export const agentEndpoint = (agent: BackupAgent) => `http://127.0.0.1:${agent.port}`;

/** The agent's container and its certificate's volume, for a scratch pod (the Secret copied by name). */
export function agentParts(agent: BackupAgent, w: Pick<Warehouse, 'id'>) {
  return {
    container: {
      name: AGENT_CONTAINER,
      image: agent.image,
      args: [...agent.args],
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } },
      volumeMounts: [{ name: AGENT_VOLUME, mountPath: agent.mountPath, readOnly: true }],
    },
    volume: { name: AGENT_VOLUME, secret: { secretName: backupAgentSecret(w.id) } },
  };
}

/** The agent of an off-site warehouse's source pod and its certificate's Secret, to copy. */
export interface OffsiteAgent {
  readonly agent: BackupAgent;
  /** The Secret's data as the API server holds it (base64). */
  readonly tls: Readonly<Record<string, string>>;
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

/** Reads the agent a source pod runs and its certificate (`podJson`: the pod, when already read). */
export async function readOffsiteAgent(
  k: KubectlSession,
  w: Pick<Warehouse, 'id'>,
  pod: string,
  podJson?: string,
): Promise<OffsiteAgent> {
  const agent = agentOfPod(podJson ?? (await k.run(sourcePodArgv(k, w, pod))), w, pod);
  const secret = JSON.parse(await k.run(agentSecretArgv(k, w))) as { data?: Record<string, string> };
  const tls = secret.data ?? {};
  if (!tls['tls.crt'] || !tls['tls.key'])
    throw new Error(
      `${backupAgentSecret(w.id)} holds no tls.crt and tls.key: the backup agent has no certificate to sign with`,
    );
  return { agent, tls: { 'tls.crt': tls['tls.crt'], 'tls.key': tls['tls.key'] } };
}
