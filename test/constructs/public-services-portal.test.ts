import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1/index.js';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  PublicServicesPortal,
  type PublicServicesPortalProps,
  tierFloor,
} from '../../constructs/public-services-portal.ts';
import { type CityModel, loadCity, type Tenant } from '../../model/index.ts';
import { BUILTIN_CITY, type RawCity } from '../helpers/city.ts';
import { thrownBy } from '../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const portalTenant = city.tenants.find((t) => t.id === city.portalTenant) as Tenant;
const props = (extra: Partial<PublicServicesPortalProps> = {}): PublicServicesPortalProps => ({
  tenant: portalTenant,
  pools: city.pools,
  services: city.publicServices,
  tiers: city.serviceTiers,
  ...extra,
});
let construct: PublicServicesPortal | undefined;
const synth = (p: PublicServicesPortalProps) =>
  Testing.synthScope((scope) => {
    construct = new PublicServicesPortal(scope, 'portal', p);
  });
const resources = (json: string, type: string) => JSON.parse(json).resource[type] as Record<string, RawCity>;
const errorOf = (p: PublicServicesPortalProps) => thrownBy(() => synth(p));

describe('PublicServicesPortal', () => {
  it('runs one autoscaled Deployment per service tier, sharing the request by the tiers’ work (defaults)', () => {
    const json = synth(props());
    const hpas = resources(json, HorizontalPodAutoscalerV2.tfResourceType);
    expect(Object.keys(hpas)).toEqual(['portal-tier-1', 'portal-tier-2', 'portal-tier-3']);
    // by hand: weight = 2 per fully online service + 1 per partly online one, of 4,000 cores / 32,000 GiB
    const weight = (tier: number) =>
      city.publicServices
        .filter((s) => s.tier === tier)
        .reduce((sum, s) => sum + (s.mode === 'full' ? 2 : 1), 0);
    const total = weight(1) + weight(2) + weight(3);
    for (const tier of [1, 2, 3]) {
      const max = Math.floor((4000 * weight(tier)) / total / 8 + 1e-9);
      const spec = hpas[`portal-tier-${tier}`].spec;
      expect(spec.max_replicas).toBe(max);
      expect(spec.min_replicas).toBe(Math.min(max, Math.max(tier === 1 ? 3 : 2, Math.ceil(max * 0.25))));
    }
    expect(construct?.tiers.map((t) => t.services)).toEqual([
      city.publicServices.filter((s) => s.tier === 1).length,
      city.publicServices.filter((s) => s.tier === 2).length,
      city.publicServices.filter((s) => s.tier === 3).length,
    ]);
    const d = resources(json, DeploymentV1.tfResourceType)['portal-tier-1'];
    expect(d.metadata.namespace).toBe('tenant-public-portal');
    expect(d.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'portal-tier-1',
      'citycloud.hcmc.gov.vn/tenant': 'public-portal',
      'citycloud.hcmc.gov.vn/service-tier': '1',
    });
    expect(d.spec.template.spec.container[0].image).toBe(portalTenant.app?.image);
  });

  it('routes every service to its tier’s Deployment, one sorted line each', () => {
    const json = synth(props());
    expect(
      Testing.toHaveResourceWithProperties(json, ConfigMapV1.tfResourceType, {
        metadata: { name: 'portal-routes', namespace: 'tenant-public-portal' },
      }),
    ).toBe(true);
    const tsv: string = resources(json, ConfigMapV1.tfResourceType)['portal-routes'].data['routes.tsv'];
    const lines = tsv.trimEnd().split('\n');
    expect(lines[0]).toBe('id\tagency\tmode\ttier\tbackend');
    expect(lines).toHaveLength(741);
    expect(lines).toContain('khai-sinh\tstp\tfull\t1\tportal-tier-1');
    expect(lines).toContain('chung-thuc-ban-sao\tstp\tpartial\t2\tportal-tier-2');
    const ids = lines.slice(1).map((l) => l.split('\t')[0] as string);
    expect(ids).toEqual([...ids].sort());
  });

  it('keeps three pods for three-nines tiers and two otherwise', () => {
    expect([0.999, 0.9995, 0.995, 0.99].map(tierFloor)).toEqual([3, 3, 2, 2]);
  });

  it('takes its own weights and label prefix', () => {
    const json = synth(props({ weights: { full: 1, partial: 1 }, labelPrefix: 'city.example' }));
    const count = (tier: number) => city.publicServices.filter((s) => s.tier === tier).length;
    expect(resources(json, HorizontalPodAutoscalerV2.tfResourceType)['portal-tier-2'].spec.max_replicas).toBe(
      Math.floor((4000 * count(2)) / 740 / 8 + 1e-9),
    );
    expect(json).toContain('"city.example/service-tier": "2"');
  });

  it('refuses a portal without an app, a tier too small for its floor, and a service of an unknown tier', () => {
    expect(errorOf(props({ tenant: { ...portalTenant, app: null } }))).toBe(
      'stack/portal (tenants[public-portal]): portal tenant public-portal declares no app; expected an app block (image, pod)',
    );
    const small = {
      ...portalTenant,
      requests: [{ pool: 'public-portal', cpuCores: 100, memoryGiB: 800, gpus: 0 }],
    };
    expect(errorOf(props({ tenant: small }))).toMatch(
      /^stack\/portal \(tenants\[public-portal\]\): tier 1 \(critical, \d+ services\) gets \d+% of the portal's request, room for [0-2] pods of 8 cores and 64 GiB; expected at least 3 for 99.9% availability$/,
    );
    const stray = [...city.publicServices, { ...(city.publicServices[0] as RawCity), id: 'x', tier: 9 }];
    expect(errorOf(props({ services: stray }))).toMatch(/service x is in tier 9, which is not declared$/);
  });
});
