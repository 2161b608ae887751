/**
 * Where and how a pod runs, shared by the warehouse and application constructs: on its pool's
 * nodes (tolerating the pool's taint), spread across racks and halls by the labels ServerPool
 * puts on every Node, with requests equal to limits so the pod is never the first evicted.
 */
import type {
  StatefulSetV1SpecTemplateSpecAffinity,
  StatefulSetV1SpecTemplateSpecContainerResources,
  StatefulSetV1SpecTemplateSpecToleration,
  StatefulSetV1SpecTemplateSpecTopologySpreadConstraint,
} from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { KUBERNETES_LABEL_PREFIX, type Pool } from '../model/index.ts';

export const DEFAULT_LABEL_PREFIX = KUBERNETES_LABEL_PREFIX;
export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const rackKey = (labelPrefix: string) => `${labelPrefix}/rack`;

export interface Scheduling {
  readonly nodeSelector: Record<string, string>;
  readonly toleration: StatefulSetV1SpecTemplateSpecToleration[];
}

/** Only the pool's nodes, tolerating the taint ServerPool puts on a dedicated pool. */
export function onPool(labelPrefix: string, pool: Pool): Scheduling {
  return {
    nodeSelector: { [`${labelPrefix}/pool`]: pool.id },
    toleration: pool.dedicated
      ? [{ key: `${labelPrefix}/pool`, operator: 'Equal', value: pool.id, effect: 'NoSchedule' }]
      : [],
  };
}

export interface Spread {
  readonly affinity: StatefulSetV1SpecTemplateSpecAffinity;
  readonly topologySpreadConstraint: StatefulSetV1SpecTemplateSpecTopologySpreadConstraint[];
}

/**
 * Pods matching `matchLabels` in different racks — required (never two in one rack: each holds a
 * copy of the same data) or preferred — and evenly over the halls where the nodes allow it.
 */
export function acrossRacks(
  labelPrefix: string,
  matchLabels: Record<string, string>,
  required: boolean,
): Spread {
  const term = { labelSelector: [{ matchLabels }], topologyKey: rackKey(labelPrefix) };
  return {
    affinity: {
      podAntiAffinity: required
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    },
    topologySpreadConstraint: [
      {
        maxSkew: 1,
        topologyKey: ZONE_KEY,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: [{ matchLabels }],
      },
    ],
  };
}

/** Requests equal to limits (Guaranteed QoS): a replica gets what it was sized for. */
export function guaranteed(
  cpuCores: number,
  memoryGiB: number,
  gpus = 0,
): StatefulSetV1SpecTemplateSpecContainerResources {
  const r: Record<string, string> = { cpu: String(cpuCores), memory: `${memoryGiB}Gi` };
  if (gpus > 0) r['nvidia.com/gpu'] = String(gpus);
  return { requests: { ...r }, limits: { ...r } };
}
