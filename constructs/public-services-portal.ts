/**
 * The public-services portal through which citizens file the city's online services: one
 * Deployment per service tier, so that a rush on standard services can never starve the critical
 * ones (birth registration, business registration…), each sized from the model — the portal
 * tenant's request shared among the tiers by the work their services bring (a fully online
 * service is processed end to end on the portal, so it weighs twice a partly online one), and a
 * floor from the tier's availability objective — and the routing table of every service to its
 * tier's Deployment, in a ConfigMap.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1/index.js';
import { Construct } from 'constructs';
import type { Pool, PublicService, ServiceTier, Tenant } from '../model/index.ts';
import { appOf, podsWithin, replicaRange } from './app-sizing.ts';
import { ConstructPropsError } from './construct-props-error.ts';
import { ScaledDeployment } from './scaled-deployment.ts';

export interface PublicServicesPortalProps {
  /** The portal's tenant, from the model; it must declare an `app`. */
  readonly tenant: Tenant;
  /** The model's pools. */
  readonly pools: readonly Pool[];
  /** The catalogue of services the portal serves. */
  readonly services: readonly PublicService[];
  /** The service tiers with their availability objectives. */
  readonly tiers: readonly ServiceTier[];
  /**
   * Work weight of a fully and a partly online service.
   * @default { full: 2, partial: 1 }
   */
  readonly weights?: { readonly full: number; readonly partial: number };
  /**
   * Share of a tier's ceiling kept running at the quietest hour.
   * @default 0.25
   */
  readonly baselineShare?: number;
  /**
   * Prefix of citycloud's label keys.
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
}

/** A ConfigMap holds at most 1 MiB. */
const CONFIG_MAP_LIMIT = 1024 * 1024;

/** The fewest pods a tier's availability objective needs: three nines survive a pod and a drain. */
export function tierFloor(availability: number): number {
  return availability >= 0.999 ? 3 : 2;
}

export interface TierSizing {
  readonly tier: ServiceTier;
  readonly services: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

export class PublicServicesPortal extends Construct {
  readonly namespace: string;
  readonly tiers: readonly TierSizing[];

  constructor(scope: Construct, id: string, props: PublicServicesPortalProps) {
    super(scope, id);
    const t = props.tenant;
    const where = `${this.node.path} (${t.path})`;
    const { app, request, pool } = appOf(t, props.pools, where, 'portal tenant');
    if (props.services.length === 0)
      throw new ConstructPropsError(`${where}: no services; expected the catalogue the portal serves`);
    const weights = props.weights ?? { full: 2, partial: 1 };
    const prefix = props.labelPrefix ?? 'citycloud.hcmc.gov.vn';
    const tierById = new Map(props.tiers.map((x) => [x.id, x]));
    const stray = props.services.find((s) => !tierById.has(s.tier));
    if (stray)
      throw new ConstructPropsError(
        `${where}: service ${stray.id} is in tier ${stray.tier}, which is not declared`,
      );

    const weightOf = (s: PublicService) => (s.mode === 'full' ? weights.full : weights.partial);
    const total = props.services.reduce((sum, s) => sum + weightOf(s), 0);
    const sizing: TierSizing[] = [];
    for (const tier of [...props.tiers].sort((a, b) => a.id - b.id)) {
      const own = props.services.filter((s) => s.tier === tier.id);
      if (own.length === 0) continue;
      const share = own.reduce((sum, s) => sum + weightOf(s), 0) / total;
      const capacity = podsWithin(
        {
          cpuCores: request.cpuCores * share,
          memoryGiB: request.memoryGiB * share,
          gpus: request.gpus * share,
        },
        app.pod,
      );
      const floor = tierFloor(tier.availability);
      const range = replicaRange(capacity, floor, props.baselineShare ?? 0.25);
      if (!range)
        throw new ConstructPropsError(
          `${where}: tier ${tier.id} (${tier.name}, ${own.length} services) gets ${Math.round(share * 100)}% of the portal's request, room for ${capacity} pods of ${app.pod.cpuCores} cores and ${app.pod.memoryGiB} GiB; expected at least ${floor} for ${tier.availability * 100}% availability`,
        );
      sizing.push({ tier, services: own.length, minReplicas: range.min, maxReplicas: range.max });
    }
    this.tiers = sizing;
    this.namespace = `tenant-${t.id}`;

    for (const s of sizing)
      new ScaledDeployment(this, `tier-${s.tier.id}`, {
        namespace: this.namespace,
        name: this.backendOf(s.tier.id),
        image: app.image,
        port: app.port,
        healthPath: app.healthPath,
        pod: app.pod,
        pool,
        minReplicas: s.minReplicas,
        maxReplicas: s.maxReplicas,
        targetCpuPercent: app.targetCpuPercent,
        labels: { [`${prefix}/tenant`]: t.id, [`${prefix}/service-tier`]: String(s.tier.id) },
        labelPrefix: prefix,
      });

    // one line per service, sorted: adding a service changes one line of the routing table
    const routes = [...props.services]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((s) => `${s.id}\t${s.agency}\t${s.mode}\t${s.tier}\t${this.backendOf(s.tier)}\n`)
      .join('');
    const content = `id\tagency\tmode\ttier\tbackend\n${routes}`;
    if (Buffer.byteLength(content) > CONFIG_MAP_LIMIT)
      throw new ConstructPropsError(
        `${where}: the routing table of ${props.services.length} services is ${Buffer.byteLength(content)} bytes; expected at most a ConfigMap's 1 MiB`,
      );
    new ConfigMapV1(this, 'routes', {
      metadata: { name: 'portal-routes', namespace: this.namespace },
      data: { 'routes.tsv': content },
    }).overrideLogicalId('portal-routes');
  }

  /** The Deployment (and Service) that serves a tier's services. */
  backendOf(tier: number): string {
    return `portal-tier-${tier}`;
  }
}
