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
import {
  CONFIG_MAP_LIMIT,
  DEFAULT_BASELINE_SHARE,
  type Pool,
  type PublicService,
  podsWithin,
  portalBackend,
  portalRoutingTables,
  replicaRange,
  type ServiceTier,
  type Tenant,
  tenantNamespace,
  tierFloor,
  tierShares,
} from '../model/index.ts';
import { appOf } from './app-sizing.ts';
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

export { tierFloor };

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
      throw new ConstructPropsError(
        'portal-services',
        `${where}: no services; expected the catalogue the portal serves`,
        t.path,
      );
    const prefix = props.labelPrefix ?? 'citycloud.hcmc.gov.vn';
    const tierById = new Map(props.tiers.map((x) => [x.id, x]));
    const stray = props.services.find((s) => !tierById.has(s.tier));
    if (stray)
      throw new ConstructPropsError(
        'service-tier',
        `${where}: service ${stray.id} is in tier ${stray.tier}, which is not declared`,
        stray.path,
      );

    const sizing: TierSizing[] = [];
    for (const { tier, services, share } of tierShares(props.services, props.tiers, props.weights)) {
      const capacity = podsWithin(
        {
          cpuCores: request.cpuCores * share,
          memoryGiB: request.memoryGiB * share,
          gpus: request.gpus * share,
        },
        app.pod,
      );
      const floor = tierFloor(tier.availability);
      const range = replicaRange(capacity, floor, props.baselineShare ?? DEFAULT_BASELINE_SHARE);
      if (!range)
        throw new ConstructPropsError(
          'portal-tier-floor-fits',
          `${where}: tier ${tier.id} (${tier.name}, ${services} services) gets ${Math.round(share * 100)}% of the portal's request, room for ${capacity} pods of ${app.pod.cpuCores} cores and ${app.pod.memoryGiB} GiB; expected at least ${floor} for ${tier.availability * 100}% availability`,
          t.path,
        );
      sizing.push({ tier, services, minReplicas: range.min, maxReplicas: range.max });
    }
    this.tiers = sizing;
    this.namespace = tenantNamespace(t.id);

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

    for (const table of portalRoutingTables(props.services)) {
      if (Buffer.byteLength(table.content) > CONFIG_MAP_LIMIT)
        throw new ConstructPropsError(
          'portal-routing-table-size',
          `${where}: the routing table's part ${table.name} is ${Buffer.byteLength(table.content)} bytes; expected at most a ConfigMap's 1 MiB`,
          t.path,
        );
      // the first part keeps the construct id of the one table a smaller city has
      new ConfigMapV1(this, table.name === 'portal-routes' ? 'routes' : table.name, {
        metadata: { name: table.name, namespace: this.namespace },
        data: { 'routes.tsv': table.content },
      }).overrideLogicalId(table.name);
    }
  }

  /** The Deployment (and Service) that serves a tier's services. */
  backendOf(tier: number): string {
    return portalBackend(tier);
  }
}
