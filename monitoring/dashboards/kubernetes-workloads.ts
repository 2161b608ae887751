/**
 * The Kubernetes workloads by tenant, from kube-state-metrics and cAdvisor
 * (monitoring/rules/kubernetes-rules.ts): pods not ready and crash-looping, Deployments' available
 * pods against what they ask, autoscalers against their ceiling, quota use, and CPU throttling.
 */
import { type CityModel, tenantNamespace } from '../../model/index.ts';
import { KSM } from '../metrics/kube-state.ts';
import { CFS_PERIODS, CFS_THROTTLED } from '../metrics/kubelet.ts';
import { quotaShare } from '../rules/kubernetes-rules.ts';
import { cityTitle, type DashboardSpec } from './grafana.ts';

const NS = 'namespace=~"$tenant"';
/** Zero for every selected namespace, so a count with nothing to count still draws a line. */
const zeros = `0 * count by (namespace) (${KSM.namespaceLabels}{${NS}})`;

export function kubernetesWorkloads(model: CityModel): DashboardSpec {
  return {
    uid: 'citycloud-kubernetes-workloads',
    title: cityTitle(model.city, 'Kubernetes workloads by tenant'),
    description: 'Each tenant’s pods, Deployments, autoscalers, quota and CPU throttling.',
    tags: ['citycloud', 'kubernetes'],
    variables: [
      {
        name: 'tenant',
        label: 'Tenant',
        options: model.tenants.map((t) => ({ text: t.name, value: tenantNamespace(t.id) })),
      },
    ],
    panels: [
      {
        title: 'Pods not ready',
        description:
          'Pods of each tenant that are not ready (Pending, crash-looping, failing their readiness probe); KubePodNotReady pages after 15 minutes.',
        unit: 'short',
        min: 0,
        targets: [
          {
            expr: `sum by (namespace) (${KSM.podReady}{${NS},condition="false"})`,
            legend: '{{namespace}}',
          },
        ],
      },
      {
        title: 'Containers crash-looping',
        description: 'Containers waiting in CrashLoopBackOff, per tenant (KubePodCrashLooping).',
        unit: 'short',
        min: 0,
        thresholds: [{ value: 1, color: 'red' }],
        targets: [
          {
            expr: `count by (namespace) (${KSM.podWaiting}{${NS},reason="CrashLoopBackOff"}) or on (namespace) (${zeros})`,
            legend: '{{namespace}}',
          },
        ],
      },
      {
        title: 'Deployments: available pods against what they ask',
        description:
          'The share of each Deployment’s pods that are available (KubeDeploymentReplicasMismatch below 1 for 15 minutes).',
        unit: 'percentunit',
        min: 0,
        max: 1,
        targets: [
          {
            expr: `${KSM.deploymentAvailable}{${NS}} / ${KSM.deploymentReplicas}{${NS}}`,
            legend: '{{namespace}}/{{deployment}}',
          },
        ],
      },
      {
        title: 'Autoscalers: pods against their ceiling',
        description:
          'Each autoscaler’s pods over its maximum: at 1 it is maxed out (KubeHpaMaxedOut), and the tenant needs more than its request in the inventory.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: [{ value: 0.9, color: 'orange' }],
        targets: [
          {
            expr: `${KSM.hpaCurrent}{${NS}} / ${KSM.hpaMax}{${NS}}`,
            legend: '{{namespace}}/{{horizontalpodautoscaler}}',
          },
        ],
      },
      {
        title: 'Quota used',
        description:
          'Each tenant’s quota used, per resource (KubeQuotaAlmostFull at 90%, KubeQuotaFullyUsed at 100%).',
        unit: 'percentunit',
        min: 0,
        thresholds: [
          { value: 0.9, color: 'orange' },
          { value: 1, color: 'red' },
        ],
        targets: [
          {
            expr: quotaShare(NS),
            legend: '{{namespace}} {{resource}}',
          },
        ],
      },
      {
        title: 'CPU throttling',
        description:
          'The share of CFS periods in which each tenant’s containers were throttled (CPUThrottlingHigh per container over 25%).',
        unit: 'percentunit',
        min: 0,
        thresholds: [{ value: 0.25, color: 'orange' }],
        targets: [
          {
            expr: `sum by (namespace) (rate(${CFS_THROTTLED}{${NS}}[$__rate_interval])) / sum by (namespace) (rate(${CFS_PERIODS}{${NS}}[$__rate_interval]))`,
            legend: '{{namespace}}',
          },
        ],
      },
    ],
  };
}
