/**
 * kube-state-metrics in the platform namespace, so the Kubernetes alerts have what they read: its
 * ServiceAccount, a ClusterRole to list and watch the objects it reports, the binding, the
 * Deployment and a headless Service the city's Prometheus scrapes by its name. Shaped on
 * kubernetes/kube-state-metrics' examples/standard at v2.20.0 (c92fe0c, August 2026), with two
 * changes a city platform makes: the role lists only the kinds the alerts read (`--resources`),
 * so the exporter never reads a Secret or a ConfigMap; and the namespace and Node labels the
 * alerts join on (criticality, agency, owner, pool) are exposed by `--metric-labels-allowlist`.
 */
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1/index.js';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1/index.js';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1/index.js';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1/index.js';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1/index.js';
import { Construct } from 'constructs';
import {
  cityLabel,
  KSM_NAME,
  KSM_NAMESPACE,
  KSM_PORT,
  KUBERNETES_LABEL_PREFIX,
  NAMESPACE_LABELS,
  NODE_LABELS,
} from '../model/index.ts';

/** The image of kube-state-metrics v2.20.0, the release this construct follows. */
export const KSM_IMAGE = 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0';

/** What kube-state-metrics reports, by API group: the kinds the alerts read, and no others. */
const WATCHED: readonly { readonly apiGroups: string[]; readonly resources: string[] }[] = [
  {
    apiGroups: [''],
    resources: [
      'namespaces',
      'nodes',
      'persistentvolumeclaims',
      'persistentvolumes',
      'pods',
      'resourcequotas',
    ],
  },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
  // the warehouses' backup and restore-drill CronJobs and their Jobs (monitoring/rules/backup-rules.ts)
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
];

export interface KubeStateMetricsProps {
  /**
   * Prefix of citycloud's label keys (as ServerPool's).
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
  /**
   * The PriorityClass of its pod: the alerts of every workload depend on it.
   * @default 'citycloud-critical'
   */
  readonly priorityClassName?: string;
}

export class KubeStateMetrics extends Construct {
  /** The `--metric-labels-allowlist` argument: the namespace and Node labels the alerts join on. */
  readonly labelsAllowlist: string;

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps = {}) {
    super(scope, id);
    const prefix = props.labelPrefix ?? KUBERNETES_LABEL_PREFIX;
    const labels = {
      'app.kubernetes.io/component': 'exporter',
      'app.kubernetes.io/name': KSM_NAME,
      'app.kubernetes.io/version': '2.20.0',
    };
    const selector = { 'app.kubernetes.io/name': KSM_NAME };
    const metadata = { name: KSM_NAME, namespace: KSM_NAMESPACE, labels };
    const list = (keys: readonly string[]) => keys.map((k) => cityLabel(k, prefix)).join(',');
    this.labelsAllowlist = `namespaces=[${list(NAMESPACE_LABELS)}],nodes=[${list(NODE_LABELS)}]`;

    new NamespaceV1(this, 'namespace', {
      metadata: { name: KSM_NAMESPACE, labels: { [cityLabel('component', prefix)]: 'platform' } },
    }).overrideLogicalId(KSM_NAMESPACE);
    new ServiceAccountV1(this, 'account', { metadata }).overrideLogicalId(`${KSM_NAME}-account`);
    new ClusterRoleV1(this, 'role', {
      metadata: { name: KSM_NAME, labels },
      rule: WATCHED.map((w) => ({ ...w, verbs: ['list', 'watch'] })),
    }).overrideLogicalId(`${KSM_NAME}-role`);
    new ClusterRoleBindingV1(this, 'binding', {
      metadata: { name: KSM_NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KSM_NAME },
      subject: [{ kind: 'ServiceAccount', name: KSM_NAME, namespace: KSM_NAMESPACE }],
    }).overrideLogicalId(`${KSM_NAME}-binding`);

    const probe = (path: string, port: string) => ({
      httpGet: { path, port },
      initialDelaySeconds: 5,
      timeoutSeconds: 5,
    });
    new DeploymentV1(this, 'deployment', {
      metadata,
      spec: {
        replicas: '1',
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: KSM_NAME,
            automountServiceAccountToken: true,
            priorityClassName: props.priorityClassName ?? 'citycloud-critical',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            container: [
              {
                name: KSM_NAME,
                image: KSM_IMAGE,
                args: [
                  `--resources=${WATCHED.flatMap((w) => w.resources)
                    .sort()
                    .join(',')}`,
                  `--metric-labels-allowlist=${this.labelsAllowlist}`,
                ],
                port: [
                  { name: 'http-metrics', containerPort: KSM_PORT },
                  { name: 'telemetry', containerPort: KSM_PORT + 1 },
                ],
                // its memory grows with the objects it holds: about 250 MiB for a thousand nodes
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
                livenessProbe: probe('/livez', 'http-metrics'),
                readinessProbe: probe('/readyz', 'telemetry'),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  runAsUser: '65534',
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              },
            ],
          },
        },
      },
      waitForRollout: false,
    }).overrideLogicalId(KSM_NAME);
    new ServiceV1(this, 'service', {
      metadata,
      spec: {
        clusterIp: 'None',
        selector,
        port: [
          { name: 'http-metrics', port: KSM_PORT, targetPort: 'http-metrics' },
          { name: 'telemetry', port: KSM_PORT + 1, targetPort: 'telemetry' },
        ],
      },
    }).overrideLogicalId(`${KSM_NAME}-service`);
  }
}
