/**
 * A stateless web workload that scales with its load: a Deployment with startup, readiness and
 * liveness probes and Guaranteed resources, spread over racks and halls of its pool; a Service; a
 * HorizontalPodAutoscaler between a floor and a ceiling; and a PodDisruptionBudget. The HPA owns
 * the replica count once created (Terraform ignores it), so a deploy never undoes a scale-up.
 */
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2/index.js';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1/index.js';
import { Construct } from 'constructs';
import type { Pool } from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';
import { acrossRacks, DEFAULT_LABEL_PREFIX, guaranteed, onPool } from './pod-placement.ts';

export interface ScaledDeploymentProps {
  /** Namespace it runs in (the tenant's). */
  readonly namespace: string;
  /** Name of the Deployment, Service, HPA and budget. */
  readonly name: string;
  /** Image reference with a tag or digest. */
  readonly image: string;
  /** The container's HTTP port; the Service serves it on 80. */
  readonly port: number;
  /** Path of the startup, readiness and liveness probes. */
  readonly healthPath: string;
  /** What one pod requests (and is limited to). */
  readonly pod: { readonly cpuCores: number; readonly memoryGiB: number; readonly gpus: number };
  /** The pool it runs on. */
  readonly pool: Pool;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU use, percent of requests, the autoscaler keeps the pods at. */
  readonly targetCpuPercent: number;
  /** Labels of its pods besides the app name (e.g. the tenant). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The pods' PriorityClass.
   * @default `citycloud-<pool criticality>`
   */
  readonly priorityClassName?: string;
  /**
   * Prefix of citycloud's label keys (as ServerPool's).
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
}

export class ScaledDeployment extends Construct {
  readonly selector: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ScaledDeploymentProps) {
    super(scope, id);
    const { name, namespace } = props;
    if (
      !Number.isInteger(props.minReplicas) ||
      props.minReplicas < 1 ||
      props.maxReplicas < props.minReplicas
    )
      throw new ConstructPropsError(
        'replica-range',
        `${this.node.path}: replicas ${props.minReplicas}–${props.maxReplicas}; expected 1 ≤ minReplicas ≤ maxReplicas`,
      );
    const prefix = props.labelPrefix ?? DEFAULT_LABEL_PREFIX;
    this.selector = { 'app.kubernetes.io/name': name, ...props.labels };
    const matchLabels = { ...this.selector };
    const metadata = { name, namespace, labels: { ...this.selector } };
    const probe = (periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path: props.healthPath, port: 'http' },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 2,
    });

    new DeploymentV1(this, 'deployment', {
      metadata,
      spec: {
        replicas: String(props.minReplicas),
        selector: { matchLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0' } },
        template: {
          metadata: { labels: matchLabels },
          spec: {
            ...onPool(prefix, props.pool),
            ...acrossRacks(prefix, matchLabels, false),
            priorityClassName: props.priorityClassName ?? `citycloud-${props.pool.criticality}`,
            terminationGracePeriodSeconds: 30,
            container: [
              {
                name: 'app',
                image: props.image,
                port: [{ name: 'http', containerPort: props.port }],
                resources: guaranteed(props.pod.cpuCores, props.pod.memoryGiB, props.pod.gpus),
                startupProbe: probe(5, 60),
                readinessProbe: probe(5, 3),
                livenessProbe: probe(10, 6),
              },
            ],
          },
        },
      },
      waitForRollout: false,
      lifecycle: { ignoreChanges: ['spec[0].replicas'] },
    }).overrideLogicalId(name);

    new ServiceV1(this, 'service', {
      metadata,
      spec: { selector: matchLabels, port: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }).overrideLogicalId(name);

    new HorizontalPodAutoscalerV2(this, 'autoscaler', {
      metadata,
      spec: {
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        metric: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: props.targetCpuPercent },
            },
          },
        ],
        // scale up at once, down slowly: a citizen's form should not wait for a pod
        behavior: {
          scaleDown: [
            { stabilizationWindowSeconds: 300, policy: [{ type: 'Percent', value: 20, periodSeconds: 60 }] },
          ],
        },
      },
    }).overrideLogicalId(name);

    new PodDisruptionBudgetV1(this, 'budget', {
      metadata,
      spec: { maxUnavailable: '1', selector: { matchLabels } },
    }).overrideLogicalId(name);
  }
}
