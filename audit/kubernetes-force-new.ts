/**
 * Which attributes of the Kubernetes provider's resources force a replacement when they change:
 * the attributes its schema marks `ForceNew: true`, for the resource types citycloud's stacks
 * use. Taken from hashicorp/terraform-provider-kubernetes at v2.38.0 (the version
 * @cdktf/provider-kubernetes 12 binds), file and line cited per entry, so a reviewer can check
 * each claim. Paths are schema paths: blocks by name, no list positions (cdktf writes a
 * single-item block as an object).
 */

const SOURCE = 'hashicorp/terraform-provider-kubernetes v2.38.0';

interface ForceNew {
  /** The attribute, or a block: a change anywhere under it forces the replacement. */
  readonly path: string;
  /** kubernetes/<file>:<line> in the provider's source. */
  readonly at: string;
}

/** metadata.name, generate_name: every object's (schema_metadata.go, metadataFields/metadataSchema). */
const NAME: readonly ForceNew[] = [
  { path: 'metadata.name', at: 'kubernetes/schema_metadata.go:37' },
  { path: 'metadata.generate_name', at: 'kubernetes/schema_metadata.go:62' },
];
/** …and metadata.namespace for namespaced objects (namespacedMetadataSchemaIsTemplate). */
const NAMESPACED: readonly ForceNew[] = [
  { path: 'metadata.name', at: 'kubernetes/schema_metadata.go:37' },
  { path: 'metadata.namespace', at: 'kubernetes/schema_metadata.go:95' },
  { path: 'metadata.generate_name', at: 'kubernetes/schema_metadata.go:103' },
];

export const KUBERNETES_FORCE_NEW: Readonly<Record<string, readonly ForceNew[]>> = {
  kubernetes_namespace_v1: NAME,
  kubernetes_priority_class_v1: [
    ...NAME,
    { path: 'value', at: 'kubernetes/resource_kubernetes_priority_class_v1.go:50' },
    { path: 'preemption_policy', at: 'kubernetes/resource_kubernetes_priority_class_v1.go:56' },
  ],
  kubernetes_stateful_set_v1: [
    ...NAMESPACED,
    { path: 'spec.pod_management_policy', at: 'kubernetes/schema_stateful_set_spec.go:17' },
    { path: 'spec.revision_history_limit', at: 'kubernetes/schema_stateful_set_spec.go:34' },
    { path: 'spec.selector', at: 'kubernetes/schema_stateful_set_spec.go:43' },
    { path: 'spec.service_name', at: 'kubernetes/schema_stateful_set_spec.go:53' },
    { path: 'spec.volume_claim_template', at: 'kubernetes/schema_stateful_set_spec.go:101' },
  ],
  kubernetes_deployment_v1: [
    ...NAMESPACED,
    { path: 'spec.selector', at: 'kubernetes/resource_kubernetes_deployment_v1.go:104' },
  ],
  kubernetes_service_v1: [
    ...NAMESPACED,
    { path: 'spec.cluster_ip', at: 'kubernetes/resource_kubernetes_service_v1.go:69' },
    { path: 'spec.cluster_ips', at: 'kubernetes/resource_kubernetes_service_v1.go:80' },
    { path: 'spec.load_balancer_class', at: 'kubernetes/resource_kubernetes_service_v1.go:154' },
    { path: 'spec.health_check_node_port', at: 'kubernetes/resource_kubernetes_service_v1.go:288' },
  ],
  kubernetes_pod_disruption_budget_v1: [
    ...NAMESPACED,
    { path: 'spec', at: 'kubernetes/resource_kubernetes_pod_disruption_budget_v1.go:47' },
  ],
  kubernetes_resource_quota_v1: [
    ...NAMESPACED,
    { path: 'spec.scopes', at: 'kubernetes/resource_kubernetes_resource_quota_v1.go:60' },
  ],
  kubernetes_role_binding_v1: [
    ...NAMESPACED,
    { path: 'role_ref', at: 'kubernetes/resource_kubernetes_role_binding_v1.go:35' },
  ],
  kubernetes_role_v1: NAMESPACED,
  kubernetes_service_account_v1: NAMESPACED,
  kubernetes_config_map_v1: NAMESPACED,
  kubernetes_limit_range_v1: NAMESPACED,
  kubernetes_network_policy_v1: NAMESPACED,
  kubernetes_horizontal_pod_autoscaler_v2: NAMESPACED,
  kubernetes_labels: [
    { path: 'api_version', at: 'kubernetes/resource_kubernetes_labels.go:39' },
    { path: 'kind', at: 'kubernetes/resource_kubernetes_labels.go:45' },
    { path: 'metadata.name', at: 'kubernetes/resource_kubernetes_labels.go:57' },
    { path: 'metadata.namespace', at: 'kubernetes/resource_kubernetes_labels.go:63' },
  ],
  kubernetes_node_taint: [{ path: 'metadata.name', at: 'kubernetes/resource_kubernetes_node_taint.go:56' }],
};

/**
 * Objects the provider replaces from its CustomizeDiff rather than its schema: a ConfigMap or
 * Secret that was `immutable` is replaced when its data, binary data or immutability changes.
 */
const IMMUTABLE: Readonly<Record<string, string>> = {
  kubernetes_config_map_v1: 'kubernetes/resource_kubernetes_config_map_v1.go:35',
  kubernetes_secret_v1: 'kubernetes/resource_kubernetes_secret_v1.go:42',
};
const IMMUTABLE_FIELDS = ['data', 'binary_data', 'immutable'];

/**
 * Why changing `path` of a `type` replaces it ("ForceNew (provider vX, kubernetes/…:N)"), or null;
 * `before` is the resource as it was (an immutable ConfigMap's data forces a new one).
 */
export function kubernetesForceNew(type: string, path: string, before?: unknown): string | null {
  for (const f of KUBERNETES_FORCE_NEW[type] ?? [])
    if (path === f.path || path.startsWith(`${f.path}.`)) return `ForceNew (${SOURCE}, ${f.at})`;
  const immutable = IMMUTABLE[type];
  if (
    immutable &&
    (before as { immutable?: unknown } | undefined)?.immutable === true &&
    IMMUTABLE_FIELDS.some((f) => path === f || path.startsWith(`${f}.`))
  )
    return `ForceNew when immutable (${SOURCE}, ${immutable}, CustomizeDiff)`;
  return null;
}
