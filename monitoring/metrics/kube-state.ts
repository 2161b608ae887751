/**
 * kube-state-metrics' families the Kubernetes alerts read, by their names and labels in
 * kube-state-metrics v2.20 (docs/metrics/*): namespaces and Nodes with their allow-listed labels,
 * Node conditions and taints, Deployments, StatefulSets, autoscalers, disruption budgets, quotas
 * and pods (phase, readiness, owner, a waiting container's reason). Labels of namespaces and Nodes
 * come as kube-state-metrics writes them (`label_<key>`). A pod's phase is written for
 * the phase it is in (kube-state-metrics writes the other four as 0, which no alert reads).
 */
import type { Registry } from 'prom-client';
import { snapshotFamilies } from './snapshot-families.ts';

export interface KsmPod {
  readonly namespace: string;
  readonly pod: string;
  readonly ownerKind: 'ReplicaSet' | 'StatefulSet';
  readonly ownerName: string;
  readonly container: string;
  readonly phase: 'Pending' | 'Running';
  readonly ready: boolean;
  /** Why its container waits (CrashLoopBackOff), or null when it runs. */
  readonly waiting: string | null;
}

export interface KsmSnapshot {
  readonly namespaces: readonly {
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
  }[];
  readonly nodes: readonly {
    readonly node: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ready: 'true' | 'false' | 'unknown';
    readonly taints: readonly { readonly key: string; readonly effect: string }[];
  }[];
  readonly deployments: readonly {
    readonly namespace: string;
    readonly deployment: string;
    readonly replicas: number;
    readonly available: number;
    readonly updated: number;
    readonly generation: number;
    readonly observedGeneration: number;
    readonly progressing: boolean;
  }[];
  readonly statefulSets: readonly {
    readonly namespace: string;
    readonly statefulset: string;
    readonly replicas: number;
    readonly ready: number;
    readonly updated: number;
    readonly currentRevision: string;
    readonly updateRevision: string;
    readonly generation: number;
    /** Its creation, unix seconds (kube_statefulset_created); unknown: not served. */
    readonly created?: number;
  }[];
  readonly autoscalers: readonly {
    readonly namespace: string;
    readonly horizontalpodautoscaler: string;
    readonly min: number;
    readonly max: number;
    readonly current: number;
    readonly desired: number;
  }[];
  readonly disruptionBudgets: readonly {
    readonly namespace: string;
    readonly poddisruptionbudget: string;
    readonly expected: number;
    readonly desiredHealthy: number;
    readonly currentHealthy: number;
  }[];
  readonly quotas: readonly {
    readonly namespace: string;
    readonly resourcequota: string;
    readonly resource: string;
    readonly hard: number;
    readonly used: number;
  }[];
  readonly pods: readonly KsmPod[];
}

export const KSM = {
  namespaceLabels: 'kube_namespace_labels',
  nodeInfo: 'kube_node_info',
  nodeLabels: 'kube_node_labels',
  nodeCondition: 'kube_node_status_condition',
  nodeUnschedulable: 'kube_node_spec_unschedulable',
  nodeTaint: 'kube_node_spec_taint',
  deploymentReplicas: 'kube_deployment_spec_replicas',
  deploymentAvailable: 'kube_deployment_status_replicas_available',
  deploymentUpdated: 'kube_deployment_status_replicas_updated',
  deploymentGeneration: 'kube_deployment_metadata_generation',
  deploymentObservedGeneration: 'kube_deployment_status_observed_generation',
  deploymentCondition: 'kube_deployment_status_condition',
  statefulSetReplicas: 'kube_statefulset_replicas',
  statefulSetReady: 'kube_statefulset_status_replicas_ready',
  statefulSetUpdated: 'kube_statefulset_status_replicas_updated',
  statefulSetCurrentRevision: 'kube_statefulset_status_current_revision',
  statefulSetUpdateRevision: 'kube_statefulset_status_update_revision',
  statefulSetGeneration: 'kube_statefulset_metadata_generation',
  statefulSetObservedGeneration: 'kube_statefulset_status_observed_generation',
  hpaMin: 'kube_horizontalpodautoscaler_spec_min_replicas',
  hpaMax: 'kube_horizontalpodautoscaler_spec_max_replicas',
  hpaCurrent: 'kube_horizontalpodautoscaler_status_current_replicas',
  hpaDesired: 'kube_horizontalpodautoscaler_status_desired_replicas',
  pdbExpected: 'kube_poddisruptionbudget_status_expected_pods',
  pdbDesired: 'kube_poddisruptionbudget_status_desired_healthy',
  pdbCurrent: 'kube_poddisruptionbudget_status_current_healthy',
  quota: 'kube_resourcequota',
  podPhase: 'kube_pod_status_phase',
  podReady: 'kube_pod_status_ready',
  podOwner: 'kube_pod_owner',
  podWaiting: 'kube_pod_container_status_waiting_reason',
  // creation times, and the backups' and drills' CronJobs and their Jobs (batch, v2.20's
  // docs/metrics/workload/{statefulset,cronjob,job}-metrics.md)
  statefulSetCreated: 'kube_statefulset_created',
  cronJobCreated: 'kube_cronjob_created',
  cronJobLastSuccess: 'kube_cronjob_status_last_successful_time',
  jobFailed: 'kube_job_status_failed',
  jobStartTime: 'kube_job_status_start_time',
  // a restore drill's scratch namespace, by its age (docs/metrics/cluster/namespace-metrics.md)
  namespaceCreated: 'kube_namespace_created',
} as const;

/** Registers the families; each scrape takes one snapshot and sets every series from it. */
export function createKubeState(registry: Registry, read: () => KsmSnapshot) {
  const family = snapshotFamilies(registry, read);
  // the allow-listed labels: their keys are known once the objects are (they do not change)
  const initial = read();
  const keys = (rows: readonly { readonly labels: Readonly<Record<string, string>> }[]) =>
    [...new Set(rows.flatMap((r) => Object.keys(r.labels)))].sort();
  family(
    KSM.namespaceLabels,
    'Kubernetes labels converted to Prometheus labels.',
    ['namespace', ...keys(initial.namespaces)],
    (g, s) => {
      for (const n of s.namespaces) g.set({ namespace: n.namespace, ...n.labels }, 1);
    },
  );
  family(
    KSM.nodeLabels,
    'Kubernetes labels converted to Prometheus labels.',
    ['node', ...keys(initial.nodes)],
    (g, s) => {
      for (const n of s.nodes) g.set({ node: n.node, ...n.labels }, 1);
    },
  );
  family(KSM.nodeInfo, 'Information about a cluster node.', ['node'], (g, s) => {
    for (const n of s.nodes) g.set({ node: n.node }, 1);
  });
  family(KSM.nodeCondition, 'The condition of a cluster node.', ['node', 'condition', 'status'], (g, s) => {
    for (const n of s.nodes)
      for (const status of ['true', 'false', 'unknown'])
        g.set({ node: n.node, condition: 'Ready', status }, n.ready === status ? 1 : 0);
  });
  family(KSM.nodeUnschedulable, 'Whether a node can schedule new pods.', ['node'], (g, s) => {
    for (const n of s.nodes) g.set({ node: n.node }, 0);
  });
  family(KSM.nodeTaint, 'The taint of a cluster node.', ['node', 'key', 'value', 'effect'], (g, s) => {
    for (const n of s.nodes)
      for (const t of n.taints) g.set({ node: n.node, key: t.key, value: '', effect: t.effect }, 1);
  });
  const dep = ['namespace', 'deployment'];
  const deployments: [string, string, (d: KsmSnapshot['deployments'][number]) => number][] = [
    [KSM.deploymentReplicas, 'Number of desired pods for a deployment.', (d) => d.replicas],
    [KSM.deploymentAvailable, 'The number of available replicas per deployment.', (d) => d.available],
    [KSM.deploymentUpdated, 'The number of updated replicas per deployment.', (d) => d.updated],
    [
      KSM.deploymentGeneration,
      'Sequence number representing a specific generation of the desired state.',
      (d) => d.generation,
    ],
    [
      KSM.deploymentObservedGeneration,
      'The generation observed by the deployment controller.',
      (d) => d.observedGeneration,
    ],
  ];
  for (const [name, help, value] of deployments)
    family(name, help, dep, (g, s) => {
      for (const d of s.deployments) g.set({ namespace: d.namespace, deployment: d.deployment }, value(d));
    });
  family(
    KSM.deploymentCondition,
    'The current status conditions of a deployment.',
    [...dep, 'condition', 'status'],
    (g, s) => {
      for (const d of s.deployments)
        for (const status of ['true', 'false', 'unknown'])
          g.set(
            { namespace: d.namespace, deployment: d.deployment, condition: 'Progressing', status },
            (d.progressing ? 'true' : 'false') === status ? 1 : 0,
          );
    },
  );
  const sts = ['namespace', 'statefulset'];
  const statefulSets: [string, string, (d: KsmSnapshot['statefulSets'][number]) => number][] = [
    [KSM.statefulSetReplicas, 'Number of desired pods for a StatefulSet.', (d) => d.replicas],
    [KSM.statefulSetReady, 'The number of ready replicas per StatefulSet.', (d) => d.ready],
    [KSM.statefulSetUpdated, 'The number of updated replicas per StatefulSet.', (d) => d.updated],
    [
      KSM.statefulSetGeneration,
      'Sequence number representing a specific generation of the desired state for the StatefulSet.',
      (d) => d.generation,
    ],
    [
      KSM.statefulSetObservedGeneration,
      'The generation observed by the StatefulSet controller.',
      (d) => d.generation,
    ],
  ];
  for (const [name, help, value] of statefulSets)
    family(name, help, sts, (g, s) => {
      for (const d of s.statefulSets) g.set({ namespace: d.namespace, statefulset: d.statefulset }, value(d));
    });
  family(KSM.statefulSetCreated, 'Unix creation timestamp', sts, (g, s) => {
    for (const d of s.statefulSets)
      if (d.created !== undefined) g.set({ namespace: d.namespace, statefulset: d.statefulset }, d.created);
  });
  family(
    KSM.statefulSetCurrentRevision,
    'Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).',
    [...sts, 'revision'],
    (g, s) => {
      for (const d of s.statefulSets)
        g.set({ namespace: d.namespace, statefulset: d.statefulset, revision: d.currentRevision }, 1);
    },
  );
  family(
    KSM.statefulSetUpdateRevision,
    'Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)',
    [...sts, 'revision'],
    (g, s) => {
      for (const d of s.statefulSets)
        g.set({ namespace: d.namespace, statefulset: d.statefulset, revision: d.updateRevision }, 1);
    },
  );
  const hpa = ['namespace', 'horizontalpodautoscaler'];
  const autoscalers: [string, string, (d: KsmSnapshot['autoscalers'][number]) => number][] = [
    [
      KSM.hpaMin,
      'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
      (d) => d.min,
    ],
    [
      KSM.hpaMax,
      'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
      (d) => d.max,
    ],
    [KSM.hpaCurrent, 'Current number of replicas of pods managed by this autoscaler.', (d) => d.current],
    [KSM.hpaDesired, 'Desired number of replicas of pods managed by this autoscaler.', (d) => d.desired],
  ];
  for (const [name, help, value] of autoscalers)
    family(name, help, hpa, (g, s) => {
      for (const d of s.autoscalers)
        g.set({ namespace: d.namespace, horizontalpodautoscaler: d.horizontalpodautoscaler }, value(d));
    });
  const pdb = ['namespace', 'poddisruptionbudget'];
  const budgets: [string, string, (d: KsmSnapshot['disruptionBudgets'][number]) => number][] = [
    [KSM.pdbExpected, 'Total number of pods counted by this disruption budget', (d) => d.expected],
    [KSM.pdbDesired, 'Minimum desired number of healthy pods', (d) => d.desiredHealthy],
    [KSM.pdbCurrent, 'Current number of healthy pods', (d) => d.currentHealthy],
  ];
  for (const [name, help, value] of budgets)
    family(name, help, pdb, (g, s) => {
      for (const d of s.disruptionBudgets)
        g.set({ namespace: d.namespace, poddisruptionbudget: d.poddisruptionbudget }, value(d));
    });
  family(
    KSM.quota,
    'Information about resource quota.',
    ['namespace', 'resourcequota', 'resource', 'type'],
    (g, s) => {
      for (const q of s.quotas) {
        g.set(
          { namespace: q.namespace, resourcequota: q.resourcequota, resource: q.resource, type: 'hard' },
          q.hard,
        );
        g.set(
          { namespace: q.namespace, resourcequota: q.resourcequota, resource: q.resource, type: 'used' },
          q.used,
        );
      }
    },
  );
  family(KSM.podPhase, 'The pods current phase.', ['namespace', 'pod', 'phase'], (g, s) => {
    for (const p of s.pods) g.set({ namespace: p.namespace, pod: p.pod, phase: p.phase }, 1);
  });
  family(
    KSM.podReady,
    'Describes whether the pod is ready to serve requests.',
    ['namespace', 'pod', 'condition'],
    (g, s) => {
      for (const p of s.pods) {
        g.set({ namespace: p.namespace, pod: p.pod, condition: 'true' }, p.ready ? 1 : 0);
        g.set({ namespace: p.namespace, pod: p.pod, condition: 'false' }, p.ready ? 0 : 1);
      }
    },
  );
  family(
    KSM.podOwner,
    "Information about the Pod's owner.",
    ['namespace', 'pod', 'owner_kind', 'owner_name', 'owner_is_controller'],
    (g, s) => {
      for (const p of s.pods)
        g.set(
          {
            namespace: p.namespace,
            pod: p.pod,
            owner_kind: p.ownerKind,
            owner_name: p.ownerName,
            owner_is_controller: 'true',
          },
          1,
        );
    },
  );
  family(
    KSM.podWaiting,
    'Describes the reason the container is currently in waiting state.',
    ['namespace', 'pod', 'container', 'reason'],
    (g, s) => {
      for (const p of s.pods)
        if (p.waiting)
          g.set({ namespace: p.namespace, pod: p.pod, container: p.container, reason: p.waiting }, 1);
    },
  );
}
