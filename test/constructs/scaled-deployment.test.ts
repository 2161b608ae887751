import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ScaledDeployment, type ScaledDeploymentProps } from '../../constructs/scaled-deployment.ts';
import type { Pool } from '../../model/index.ts';

const pool = (dedicated: boolean): Pool => ({
  id: 'web',
  name: 'Web',
  kind: dedicated ? 'gpu' : 'general',
  criticality: 'high',
  growthPercentPerMonth: 0,
  dedicated,
  phase: 'in-service',
  maxUnavailable: { percent: 10 },
  path: 'pools[web]',
});
const props = (extra: Partial<ScaledDeploymentProps> = {}): ScaledDeploymentProps => ({
  namespace: 'ns',
  name: 'web',
  image: 'registry.example/web:1.0.0',
  port: 3000,
  healthPath: '/ready',
  pod: { cpuCores: 2, memoryGiB: 4, gpus: 0 },
  pool: pool(false),
  minReplicas: 2,
  maxReplicas: 10,
  targetCpuPercent: 60,
  ...extra,
});
const synth = (p: ScaledDeploymentProps) =>
  Testing.synthScope((scope) => new ScaledDeployment(scope, 'web', p));
const resource = (json: string, type: string) => JSON.parse(json).resource[type].web;

describe('ScaledDeployment', () => {
  it('runs on its pool without tolerations when the pool is general, and scales between min and max (defaults)', () => {
    const json = synth(props());
    const d = resource(json, DeploymentV1.tfResourceType);
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rolling_update: { max_surge: '25%', max_unavailable: '0' },
    });
    expect(d.spec.template.spec.toleration).toEqual([]);
    expect(d.spec.template.spec.priority_class_name).toBe('citycloud-high');
    expect(d.spec.template.spec.container[0].readiness_probe.http_get).toEqual({
      path: '/ready',
      port: 'http',
    });
    expect(d.spec.template.spec.container[0].port).toEqual([{ name: 'http', container_port: 3000 }]);
    expect(resource(json, HorizontalPodAutoscalerV2.tfResourceType).spec).toMatchObject({
      min_replicas: 2,
      max_replicas: 10,
      behavior: { scale_down: [{ stabilization_window_seconds: 300 }] },
    });
  });

  it('tolerates a dedicated pool’s taint and takes its own priority class', () => {
    const json = synth(props({ pool: pool(true), priorityClassName: 'batch' }));
    const spec = resource(json, DeploymentV1.tfResourceType).spec.template.spec;
    expect(spec.toleration).toEqual([
      { key: 'citycloud.hcmc.gov.vn/pool', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ]);
    expect(spec.priority_class_name).toBe('batch');
  });

  it('refuses a replica range that is empty or starts at zero', () => {
    expect(() => synth(props({ minReplicas: 5, maxReplicas: 4 }))).toThrow(
      'stack/web: replicas 5–4; expected 1 ≤ minReplicas ≤ maxReplicas',
    );
    expect(() => synth(props({ minReplicas: 0 }))).toThrow('replicas 0–10');
  });
});
