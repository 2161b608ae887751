import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2/index.js';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { EgovApp, type EgovAppProps } from '../../constructs/egov-app.ts';
import { type CityModel, loadCity, podsWithin, replicaRange, type Tenant } from '../../model/index.ts';
import { BUILTIN_CITY } from '../helpers/city.ts';
import { thrownBy } from '../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const tenant = (id: string) => city.tenants.find((t) => t.id === id) as Tenant;
const synth = (p: EgovAppProps) => Testing.synthScope((scope) => new EgovApp(scope, p.tenant.id, p));
const resource = (json: string, type: string, name: string) => JSON.parse(json).resource[type][name];
const errorOf = (p: EgovAppProps) => thrownBy(() => synth(p));

describe('app sizing', () => {
  it('counts the pods a request holds by its scarcest resource, GPUs included', () => {
    expect(
      podsWithin({ cpuCores: 4800, memoryGiB: 38000, gpus: 0 }, { cpuCores: 8, memoryGiB: 64, gpus: 0 }),
    ).toBe(593);
    expect(
      podsWithin({ cpuCores: 4000, memoryGiB: 32000, gpus: 160 }, { cpuCores: 16, memoryGiB: 128, gpus: 1 }),
    ).toBe(160);
    expect(
      podsWithin({ cpuCores: 0.3, memoryGiB: 3, gpus: 0 }, { cpuCores: 0.1, memoryGiB: 1, gpus: 0 }),
    ).toBe(3);
  });

  it('keeps the floor, a baseline share of the ceiling, and refuses a ceiling under the floor', () => {
    expect(replicaRange(593, 2, 0.25)).toEqual({ min: 149, max: 593 });
    expect(replicaRange(4, 3, 0.25)).toEqual({ min: 3, max: 4 });
    expect(replicaRange(3, 3, 1)).toEqual({ min: 3, max: 3 });
    expect(replicaRange(2, 3, 0.25)).toBeNull();
  });
});

describe('EgovApp', () => {
  it('runs the tenant’s app with probes, Guaranteed resources and an autoscaler sized from its request (defaults)', () => {
    const json = synth({ tenant: tenant('edoc'), pools: city.pools });
    const d = resource(json, DeploymentV1.tfResourceType, 'edoc');
    expect(d.metadata).toMatchObject({ name: 'edoc', namespace: 'tenant-edoc' });
    expect(d.lifecycle).toEqual({ ignore_changes: ['spec[0].replicas'] });
    expect(d.spec.replicas).toBe('149');
    const pod = d.spec.template.spec;
    expect(pod.node_selector).toEqual({ 'citycloud.hcmc.gov.vn/pool': 'edoc' });
    expect(pod.priority_class_name).toBe(`citycloud-${city.pools.find((p) => p.id === 'edoc')?.criticality}`);
    expect(
      pod.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution[0],
    ).toMatchObject({
      weight: 100,
      pod_affinity_term: { topology_key: 'citycloud.hcmc.gov.vn/rack' },
    });
    expect(pod.container[0]).toMatchObject({
      image: 'registry.hcmc.gov.vn/vp-ubnd/edoc:5.3.1',
      port: [{ name: 'http', container_port: 8080 }],
      resources: { requests: { cpu: '8', memory: '64Gi' }, limits: { cpu: '8', memory: '64Gi' } },
      startup_probe: { http_get: { path: '/healthz', port: 'http' }, failure_threshold: 60 },
      readiness_probe: { http_get: { path: '/healthz', port: 'http' }, period_seconds: 5 },
      liveness_probe: { http_get: { path: '/healthz', port: 'http' }, period_seconds: 10 },
    });
    // 4,800 cores and 38,000 GiB hold 593 pods of 8 cores and 64 GiB: the quota is the ceiling
    expect(
      Testing.toHaveResourceWithProperties(json, HorizontalPodAutoscalerV2.tfResourceType, {
        metadata: { name: 'edoc', namespace: 'tenant-edoc' },
        spec: {
          min_replicas: 149,
          max_replicas: 593,
          scale_target_ref: { api_version: 'apps/v1', kind: 'Deployment', name: 'edoc' },
          metric: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 70 } },
            },
          ],
        },
      }),
    ).toBe(true);
    expect(resource(json, ServiceV1.tfResourceType, 'edoc').spec.port).toEqual([
      { name: 'http', port: 80, target_port: 'http' },
    ]);
    expect(resource(json, PodDisruptionBudgetV1.tfResourceType, 'edoc').spec.max_unavailable).toBe('1');
  });

  it('asks for GPUs when the app’s pod does', () => {
    const json = synth({ tenant: tenant('urban-cameras'), pools: city.pools });
    const c = resource(json, DeploymentV1.tfResourceType, 'urban-cameras').spec.template.spec.container[0];
    expect(c.resources.limits).toEqual({ cpu: '16', memory: '128Gi', 'nvidia.com/gpu': '1' });
    expect(resource(json, HorizontalPodAutoscalerV2.tfResourceType, 'urban-cameras').spec.max_replicas).toBe(
      160,
    );
  });

  it('takes its own floors and baseline share', () => {
    const json = synth({
      tenant: tenant('meeting'),
      pools: city.pools,
      baselineShare: 0.5,
      minReplicas: { critical: 100, high: 100, normal: 100 },
    });
    // 700 cores and 5,600 GiB hold 175 pods of 4 cores and 32 GiB; half of them is under the floor of 100
    expect(resource(json, HorizontalPodAutoscalerV2.tfResourceType, 'meeting').spec).toMatchObject({
      min_replicas: 100,
      max_replicas: 175,
    });
    const half = synth({ tenant: tenant('meeting'), pools: city.pools, baselineShare: 0.5 });
    expect(resource(half, HorizontalPodAutoscalerV2.tfResourceType, 'meeting').spec.min_replicas).toBe(88);
  });

  it('refuses a tenant without an app, a request too small for the floor, and a bad baseline share', () => {
    expect(errorOf({ tenant: tenant('monitoring'), pools: city.pools })).toBe(
      'stack/monitoring (tenants[monitoring]): tenant monitoring declares no app; expected an app block (image, pod)',
    );
    const tiny = {
      ...tenant('meeting'),
      requests: [{ pool: 'meeting', cpuCores: 6, memoryGiB: 48, gpus: 0 }],
    };
    expect(errorOf({ tenant: tiny, pools: city.pools })).toBe(
      'stack/meeting (tenants[meeting]): the request in pool meeting (6 cores, 48 GiB) holds 1 pod of 4 cores and 32 GiB; expected room for at least 2 (normal pool)',
    );
    expect(errorOf({ tenant: tenant('meeting'), pools: city.pools, baselineShare: 0 })).toMatch(
      /baselineShare 0; expected a share in \(0, 1\]$/,
    );
  });
});
