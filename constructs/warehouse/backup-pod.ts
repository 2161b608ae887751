/**
 * What backing a shard up adds to its pod, beside the database's own container: environment and
 * mounts of that container, sidecars (the Roles Anywhere credential helper, the WAL-G exporter),
 * init containers and volumes. Each piece of the backup says its parts; the shard's StatefulSet
 * (warehouse-shards.ts) merges them into the pod.
 */
import type {
  StatefulSetV1SpecTemplateSpecContainer,
  StatefulSetV1SpecTemplateSpecContainerEnv,
  StatefulSetV1SpecTemplateSpecContainerVolumeMount,
  StatefulSetV1SpecTemplateSpecInitContainer,
  StatefulSetV1SpecTemplateSpecVolume,
} from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';

export interface PodParts {
  /** Added to the database container's environment. */
  readonly env: readonly StatefulSetV1SpecTemplateSpecContainerEnv[];
  /** Added to the database container's mounts. */
  readonly volumeMounts: readonly StatefulSetV1SpecTemplateSpecContainerVolumeMount[];
  readonly sidecars: readonly StatefulSetV1SpecTemplateSpecContainer[];
  readonly initContainers: readonly StatefulSetV1SpecTemplateSpecInitContainer[];
  readonly volumes: readonly StatefulSetV1SpecTemplateSpecVolume[];
}

export const NO_PARTS: PodParts = {
  env: [],
  volumeMounts: [],
  sidecars: [],
  initContainers: [],
  volumes: [],
};

/** The parts of several pieces, in order: the same parts give the same pod. */
export function mergeParts(...parts: readonly Partial<PodParts>[]): PodParts {
  return {
    env: parts.flatMap((p) => p.env ?? []),
    volumeMounts: parts.flatMap((p) => p.volumeMounts ?? []),
    sidecars: parts.flatMap((p) => p.sidecars ?? []),
    initContainers: parts.flatMap((p) => p.initContainers ?? []),
    volumes: parts.flatMap((p) => p.volumes ?? []),
  };
}

/** Requests equal to limits: a sidecar keeps the shard's pod in the Guaranteed QoS class. */
export const sidecarResources = (cpu: string, memory: string) => ({
  requests: { cpu, memory },
  limits: { cpu, memory },
});
