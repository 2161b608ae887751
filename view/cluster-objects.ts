/**
 * The Kubernetes objects the Terraform stacks create, read back from their synthesized JSON
 * (`cdk.tf.json`, the provider's snake_case attributes): what kube-state-metrics and the kubelets
 * would report on once applied. The fleet simulator serves their series from this, so what is
 * monitored locally is exactly what synth writes — a tenant added to the inventory appears in
 * both, and nothing appears that synth does not write.
 */

export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

/** An object's `namespace/name`, as the simulator's faults name workloads and autoscalers. */
export const objectKey = (o: ObjectRef) => `${o.namespace}/${o.name}`;

export interface Workload extends ObjectRef {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly replicas: number;
  /** The pod template's labels the workload selects its pods by. */
  readonly selector: Readonly<Record<string, string>>;
  /** Each pod's CPU request, cores (the first container's). */
  readonly cpuRequest: number;
  /** A StatefulSet's volume claim templates: each pod gets `<claim>-<statefulset>-<ordinal>`. */
  readonly volumeClaims: readonly { readonly name: string; readonly bytes: number }[];
}

export interface ClusterObjects {
  readonly namespaces: readonly {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
  }[];
  readonly nodes: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  readonly workloads: readonly Workload[];
  readonly autoscalers: readonly (ObjectRef & {
    readonly target: string;
    readonly min: number;
    readonly max: number;
  })[];
  readonly disruptionBudgets: readonly (ObjectRef & {
    readonly selector: Readonly<Record<string, string>>;
    readonly minAvailable: number | null;
    readonly maxUnavailable: number | null;
  })[];
  /** Each ResourceQuota's hard limits in base units (cores, bytes, devices), by resource name. */
  readonly quotas: readonly (ObjectRef & { readonly hard: Readonly<Record<string, number>> })[];
}

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** A Kubernetes quantity (`2400`, `500m`, `64Gi`) in base units; NaN when it is not one. */
export function quantity(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti|Pi)?$/.exec(text.trim());
  return m ? Number(m[1]) * (SUFFIX[m[2] ?? ''] as number) : Number.NaN;
}

type Resource = {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  labels?: Record<string, string>;
  kind?: string;
};

const ref = (r: Resource): ObjectRef => ({
  namespace: r.metadata?.namespace ?? 'default',
  name: r.metadata?.name ?? '',
});
const byName = <T extends ObjectRef>(a: T, b: T) =>
  a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1;
/** An optional whole number of a spec (`"3"` or 3), null when absent or a percentage. */
const count = (v: unknown): number | null => (v === undefined || /%$/.test(String(v)) ? null : Number(v));

/** The objects of every stack's synthesized JSON, sorted by namespace and name. */
export function clusterObjects(stacks: readonly string[]): ClusterObjects {
  const of = (type: string): Resource[] =>
    stacks.flatMap((content) => {
      const blocks = (JSON.parse(content) as { resource?: Record<string, Record<string, Resource>> })
        .resource;
      return Object.values(blocks?.[type] ?? {});
    });
  const podSpec = (r: Resource) =>
    ((r.spec?.template as { spec?: Record<string, unknown> } | undefined)?.spec ?? {}) as {
      container?: { resources?: { requests?: Record<string, string> } }[];
    };
  const workload =
    (kind: Workload['kind']) =>
    (r: Resource): Workload => ({
      ...ref(r),
      kind,
      replicas: Number(r.spec?.replicas ?? 1),
      selector:
        (r.spec?.selector as { match_labels?: Record<string, string> } | undefined)?.match_labels ?? {},
      cpuRequest: quantity(podSpec(r).container?.[0]?.resources?.requests?.cpu ?? '0'),
      volumeClaims: (
        (r.spec?.volume_claim_template ?? []) as {
          metadata?: { name?: string };
          spec?: { resources?: { requests?: { storage?: string } } };
        }[]
      ).map((t) => ({
        name: t.metadata?.name ?? '',
        bytes: quantity(t.spec?.resources?.requests?.storage ?? '0'),
      })),
    });
  return {
    namespaces: of('kubernetes_namespace_v1')
      .map((r) => ({ name: r.metadata?.name ?? '', labels: r.metadata?.labels ?? {} }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    nodes: of('kubernetes_labels')
      .filter((r) => r.kind === 'Node')
      .map((r) => ({ name: r.metadata?.name ?? '', labels: r.labels ?? {} }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    workloads: [
      ...of('kubernetes_deployment_v1').map(workload('Deployment')),
      ...of('kubernetes_stateful_set_v1').map(workload('StatefulSet')),
    ].sort(byName),
    autoscalers: of('kubernetes_horizontal_pod_autoscaler_v2')
      .map((r) => ({
        ...ref(r),
        target: (r.spec?.scale_target_ref as { name?: string } | undefined)?.name ?? '',
        min: Number(r.spec?.min_replicas ?? 1),
        max: Number(r.spec?.max_replicas ?? 1),
      }))
      .sort(byName),
    disruptionBudgets: of('kubernetes_pod_disruption_budget_v1')
      .map((r) => ({
        ...ref(r),
        selector:
          (r.spec?.selector as { match_labels?: Record<string, string> } | undefined)?.match_labels ?? {},
        minAvailable: count(r.spec?.min_available),
        maxUnavailable: count(r.spec?.max_unavailable),
      }))
      .sort(byName),
    quotas: of('kubernetes_resource_quota_v1')
      .map((r) => ({
        ...ref(r),
        hard: Object.fromEntries(
          Object.entries((r.spec?.hard ?? {}) as Record<string, string>).map(([k, v]) => [k, quantity(v)]),
        ),
      }))
      .sort(byName),
  };
}
