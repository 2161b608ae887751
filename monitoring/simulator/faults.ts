/** Faults the simulator can be told to show: what they are and how they are checked. */
import type { CityModel } from '../../model/index.ts';
import { type ClusterObjects, objectKey } from '../../view/cluster-objects.ts';
import { NODE_UNITS } from '../metrics/node-health.ts';

/**
 * Faults of one server's health, each driving node-mixin's alerts (node-conditions.ts says what
 * each changes): a server name is the target.
 */
export const NODE_CONDITION_KINDS = [
  'inodes-filling',
  'clock-skew',
  'clock-unsynced',
  'raid-degraded',
  'disk-saturated',
  'unit-failed',
  'unit-crashloop',
  'conntrack-full',
  'nic-errors',
  'bond-degraded',
  'fd-exhausted',
  'memory-pressure',
  'cpu-saturated',
  'textfile-error',
] as const;
export type NodeConditionKind = (typeof NODE_CONDITION_KINDS)[number];

/**
 * Faults of the Kubernetes objects the stacks create (cluster-state.ts says what each does): the
 * target is a workload or autoscaler as `namespace/name`, a namespace, a Node, or `cluster`.
 */
export const KUBERNETES_FAULT_KINDS = [
  'pod-crashloop',
  'replicas-short',
  'rollout-stuck',
  'hpa-maxed',
  'hpa-stuck',
  'quota-full',
  'node-not-ready',
  'node-unreachable',
  'pv-filling',
  'cpu-throttled',
  'kubelet-down',
  'apiserver-down',
  'client-cert-expiring',
] as const;
export type KubernetesFaultKind = (typeof KUBERNETES_FAULT_KINDS)[number];
/** The target of the faults of the whole cluster. */
export const CLUSTER = 'cluster';

/**
 * Faults of a warehouse's backups (warehouse-backups.ts says what each shows): the target is the
 * warehouse; all but drill-failed take the shard (from 1), of a PostgreSQL warehouse for the
 * first two, of a ClickHouse one for backup-job-failed.
 */
export const BACKUP_FAULT_KINDS = [
  'backups-stopped',
  'wal-archive-stuck',
  'backup-job-failed',
  'drill-failed',
] as const;
export type BackupFaultKind = (typeof BACKUP_FAULT_KINDS)[number];

export const FAULT_KINDS = [
  'server-down',
  'disk-filling',
  'link-down',
  'district-isolated',
  'pool-load',
  'replica-down',
  ...NODE_CONDITION_KINDS,
  ...KUBERNETES_FAULT_KINDS,
  ...BACKUP_FAULT_KINDS,
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const isKubernetesFault = (kind: FaultKind): kind is KubernetesFaultKind =>
  (KUBERNETES_FAULT_KINDS as readonly string[]).includes(kind);

export const isNodeCondition = (kind: FaultKind): kind is NodeConditionKind =>
  (NODE_CONDITION_KINDS as readonly string[]).includes(kind);

/** The utilisation a pool-load fault holds its servers at unless told. */
export const DEFAULT_POOL_LOAD = 0.95;

export interface Fault {
  readonly id: string;
  readonly kind: FaultKind;
  /**
   * A server name (server-down, disk-filling), a point id (link-down), a district id, a pool id
   * (pool-load), a warehouse id (replica-down).
   */
  readonly target: string;
  /** When it started, unix seconds. */
  readonly since: number;
  /** For disk-filling and inodes-filling: how long the disk takes to fill, seconds. */
  readonly fillSeconds?: number;
  /** For unit-failed and unit-crashloop: which systemd unit (kubelet.service by default). */
  readonly unit?: string;
  /** For pool-load: the busy share of the CPUs held (0–1), and on which of the pool's servers. */
  readonly utilisation?: number;
  readonly servers?: readonly string[];
  /** For replica-down: which replica of which shard (both from 1); a backup fault's shard. */
  readonly shard?: number;
  readonly replica?: number;
  /** For pod-crashloop: how many pods; replicas-short: how many are missing. */
  readonly pods?: number;
  readonly missing?: number;
  /** For quota-full: the share of the quota used. */
  readonly share?: number;
  /** For pv-filling: which pod of the StatefulSet (from 0). */
  readonly ordinal?: number;
  /** For client-cert-expiring: days until the clients' certificates expire. */
  readonly days?: number;
}

/** A fault's settings besides its kind and target, as the API receives them (unchecked). */
export interface FaultSettings {
  readonly fillSeconds?: unknown;
  readonly unit?: unknown;
  readonly utilisation?: unknown;
  readonly servers?: unknown;
  readonly shard?: unknown;
  readonly replica?: unknown;
  readonly pods?: unknown;
  readonly missing?: unknown;
  readonly share?: unknown;
  readonly ordinal?: unknown;
  readonly days?: unknown;
}

const whole = (v: unknown, max: number) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/**
 * Checks a fault's target against the model (and for a Kubernetes fault, against the cluster's
 * objects, null when the simulator has none); returns the problem, or null when it is fine.
 */
export function faultProblem(
  model: CityModel,
  kind: unknown,
  target: unknown,
  cluster: ClusterObjects | null = null,
): string | null {
  if (!FAULT_KINDS.includes(kind as FaultKind))
    return `kind must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(kind)}`;
  if (typeof target !== 'string' || target === '') return 'target must be the name or id of what fails';
  if (isKubernetesFault(kind as FaultKind))
    return clusterTargetProblem(kind as KubernetesFaultKind, target, cluster);
  const [exists, what] =
    kind === 'server-down' || kind === 'disk-filling' || isNodeCondition(kind as FaultKind)
      ? [model.servers.some((s) => s.name === target), 'server']
      : kind === 'link-down'
        ? [model.network.points.some((p) => p.id === target), 'connection point']
        : kind === 'district-isolated'
          ? [model.network.points.some((p) => p.level === 'district' && p.id === target), 'district']
          : kind === 'pool-load'
            ? [model.pools.some((p) => p.id === target), 'pool']
            : [model.warehouses.some((w) => w.id === target), 'warehouse'];
  return exists ? null : `no ${what} "${target}" in the inventory`;
}

/**
 * Checks the settings a kind takes (and refuses those it does not); returns the problem, or null.
 * Call after faultProblem, with a kind and target that exist.
 */
export function settingsProblem(
  model: CityModel,
  kind: FaultKind,
  target: string,
  settings: FaultSettings,
): string | null {
  const given = Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  const takes: Record<FaultKind, readonly string[]> = {
    'server-down': [],
    'disk-filling': ['fillSeconds'],
    'link-down': [],
    'district-isolated': [],
    'pool-load': ['utilisation', 'servers'],
    'replica-down': ['shard', 'replica'],
    ...(Object.fromEntries(NODE_CONDITION_KINDS.map((k) => [k, []])) as Record<NodeConditionKind, []>),
    'inodes-filling': ['fillSeconds'],
    'unit-failed': ['unit'],
    'unit-crashloop': ['unit'],
    ...(Object.fromEntries(KUBERNETES_FAULT_KINDS.map((k) => [k, []])) as Record<KubernetesFaultKind, []>),
    'pod-crashloop': ['pods'],
    'replicas-short': ['missing'],
    'quota-full': ['share'],
    'pv-filling': ['ordinal', 'fillSeconds'],
    'client-cert-expiring': ['days'],
    'backups-stopped': ['shard'],
    'wal-archive-stuck': ['shard'],
    'backup-job-failed': ['shard'],
    'drill-failed': [],
  };
  const foreign = given.find((k) => !takes[kind].includes(k));
  if (foreign)
    return `a ${kind} fault takes ${takes[kind].length > 0 ? takes[kind].join(', ') : 'no settings'}; got ${foreign}`;
  const s = settings;
  if (s.fillSeconds !== undefined && !(typeof s.fillSeconds === 'number' && s.fillSeconds > 0))
    return `fillSeconds must be a positive number of seconds; got ${JSON.stringify(s.fillSeconds)}`;
  for (const k of ['pods', 'missing'] as const)
    if (s[k] !== undefined && !whole(s[k], 10_000))
      return `${k} must be a whole number of pods from 1; got ${JSON.stringify(s[k])}`;
  if (s.share !== undefined && !(typeof s.share === 'number' && s.share > 0 && s.share <= 10))
    return `share must be the share of the quota used, above 0 and at most 10; got ${JSON.stringify(s.share)}`;
  if (s.days !== undefined && !(typeof s.days === 'number' && s.days >= 0 && s.days <= 3650))
    return `days must be a number of days from 0 to 3650; got ${JSON.stringify(s.days)}`;
  if (s.ordinal !== undefined && !(Number.isInteger(s.ordinal) && (s.ordinal as number) >= 0))
    return `ordinal must be a pod of the StatefulSet, from 0; got ${JSON.stringify(s.ordinal)}`;
  if (s.unit !== undefined && !(NODE_UNITS as readonly unknown[]).includes(s.unit))
    return `unit must be one of ${NODE_UNITS.join(', ')}; got ${JSON.stringify(s.unit)}`;
  if (kind === 'pool-load') {
    if (
      s.utilisation !== undefined &&
      !(typeof s.utilisation === 'number' && s.utilisation > 0 && s.utilisation <= 1)
    )
      return `utilisation must be a share of the CPUs from 0 (excluded) to 1; got ${JSON.stringify(s.utilisation)}`;
    if (s.servers !== undefined) {
      if (!Array.isArray(s.servers) || s.servers.length === 0)
        return 'servers must be a non-empty list of the pool’s server names';
      const members = new Set(model.servers.filter((x) => x.pool === target).map((x) => x.name));
      const stranger = s.servers.find((n) => typeof n !== 'string' || !members.has(n));
      if (stranger !== undefined)
        return `servers: ${JSON.stringify(stranger)} is not a server of pool "${target}"`;
    }
  }
  if ((BACKUP_FAULT_KINDS as readonly string[]).includes(kind)) {
    const w = model.warehouses.find((x) => x.id === target);
    if (!w) return `no warehouse "${target}" in the inventory`;
    const engine =
      kind === 'backup-job-failed' ? 'clickhouse' : kind === 'drill-failed' ? null : 'postgresql';
    if (engine !== null && w.engine !== engine)
      return `a ${kind} fault is of a ${engine} warehouse's shard; warehouse "${target}" runs ${w.engine}`;
    if (kind === 'drill-failed' && w.backup.drill === null)
      return `warehouse "${target}" has no restore drill (its backup promise's drill is false)`;
    if (engine !== null && !whole(s.shard, w.shards))
      return `shard must be a shard of warehouse "${target}", from 1 to ${w.shards}; got ${JSON.stringify(s.shard)}`;
  }
  if (kind === 'replica-down') {
    const w = model.warehouses.find((x) => x.id === target);
    if (!w) return `no warehouse "${target}" in the inventory`;
    if (!whole(s.shard, w.shards))
      return `shard must be a shard of warehouse "${target}", from 1 to ${w.shards}; got ${JSON.stringify(s.shard)}`;
    if (!whole(s.replica, w.replicas))
      return `replica must be a replica of its shards, from 1 to ${w.replicas}; got ${JSON.stringify(s.replica)}`;
  }
  return null;
}

/** Checks a Kubernetes fault's target against the objects the stacks create. */
function clusterTargetProblem(
  kind: KubernetesFaultKind,
  target: string,
  cluster: ClusterObjects | null,
): string | null {
  if (!cluster)
    return 'this simulator was started without the cluster’s objects (from the synthesized stacks)';
  const [exists, what] =
    kind === 'kubelet-down' || kind === 'apiserver-down' || kind === 'client-cert-expiring'
      ? [target === CLUSTER, `"${CLUSTER}"`]
      : kind === 'node-not-ready' || kind === 'node-unreachable'
        ? [cluster.nodes.some((n) => n.name === target), 'Node']
        : kind === 'quota-full'
          ? [cluster.quotas.some((q) => q.namespace === target), 'namespace with a ResourceQuota']
          : kind === 'hpa-maxed' || kind === 'hpa-stuck'
            ? [cluster.autoscalers.some((a) => objectKey(a) === target), 'autoscaler (namespace/name)']
            : kind === 'pv-filling'
              ? [
                  cluster.workloads.some((w) => objectKey(w) === target && w.volumeClaims.length > 0),
                  'StatefulSet with volumes (namespace/name)',
                ]
              : [
                  cluster.workloads.some((w) => objectKey(w) === target),
                  'Deployment or StatefulSet (namespace/name)',
                ];
  if (exists) {
    // an autoscaler with no room between its bounds cannot be at its ceiling apart from its floor,
    // nor want more than it has between them
    const hpa = cluster.autoscalers.find((a) => objectKey(a) === target);
    const room = kind === 'hpa-maxed' ? 1 : kind === 'hpa-stuck' ? 2 : 0;
    if (hpa && hpa.max - hpa.min < room)
      return `autoscaler ${target} runs ${hpa.min} to ${hpa.max} pods: a ${kind} fault needs ${room === 1 ? 'a ceiling above its floor' : 'at least two pods between its bounds'}`;
    return null;
  }
  return what.startsWith('"')
    ? `target must be ${what}`
    : `no ${what} ${JSON.stringify(target.slice(0, 120))} in the synthesized stacks`;
}
