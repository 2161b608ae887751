/**
 * An e-government application in its tenant's namespace, sized from the model: the pod the
 * inventory's `app` declares, as many of them as the tenant's request in its main pool holds at
 * most, and at least what the pool's criticality needs (or a baseline share of the ceiling).
 */
import { Construct } from 'constructs';
import {
  type Criticality,
  DEFAULT_BASELINE_SHARE,
  DEFAULT_MIN_REPLICAS,
  type Pool,
  podsWithin,
  replicaRange,
  type Tenant,
  tenantNamespace,
} from '../model/index.ts';
import { appOf } from './app-sizing.ts';
import { ConstructPropsError } from './construct-props-error.ts';
import { ScaledDeployment } from './scaled-deployment.ts';

export interface EgovAppProps {
  /** The tenant, from the model; it must declare an `app`. */
  readonly tenant: Tenant;
  /** The model's pools. */
  readonly pools: readonly Pool[];
  /**
   * The fewest pods by the criticality of the pool the app runs on.
   * @default { critical: 3, high: 2, normal: 2 }
   */
  readonly minReplicas?: Readonly<Record<Criticality, number>>;
  /**
   * Share of the ceiling kept running at the quietest hour.
   * @default 0.25
   */
  readonly baselineShare?: number;
  /**
   * Prefix of citycloud's label keys (as ServerPool's and AgencyTenant's).
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
}

export { DEFAULT_MIN_REPLICAS };

export class EgovApp extends Construct {
  readonly namespace: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: EgovAppProps) {
    super(scope, id);
    const t = props.tenant;
    const where = `${this.node.path} (${t.path})`;
    const { app, request, pool } = appOf(t, props.pools, where);
    const baselineShare = props.baselineShare ?? DEFAULT_BASELINE_SHARE;
    if (!(baselineShare > 0 && baselineShare <= 1))
      throw new ConstructPropsError(
        'app-baseline-share',
        `${where}: baselineShare ${baselineShare}; expected a share in (0, 1]`,
      );
    const floor = (props.minReplicas ?? DEFAULT_MIN_REPLICAS)[pool.criticality];
    const capacity = podsWithin(request, app.pod);
    const range = replicaRange(capacity, floor, baselineShare);
    if (!range)
      throw new ConstructPropsError(
        'app-floor-fits',
        `${where}: the request in pool ${pool.id} (${request.cpuCores} cores, ${request.memoryGiB} GiB${request.gpus ? `, ${request.gpus} GPUs` : ''}) holds ${capacity} pod${capacity === 1 ? '' : 's'} of ${app.pod.cpuCores} cores and ${app.pod.memoryGiB} GiB; expected room for at least ${floor} (${pool.criticality} pool)`,
        t.path,
      );
    this.namespace = tenantNamespace(t.id);
    this.minReplicas = range.min;
    this.maxReplicas = range.max;
    new ScaledDeployment(this, 'app', {
      namespace: this.namespace,
      name: t.id,
      image: app.image,
      port: app.port,
      healthPath: app.healthPath,
      pod: app.pod,
      pool,
      minReplicas: range.min,
      maxReplicas: range.max,
      targetCpuPercent: app.targetCpuPercent,
      labels: { [`${props.labelPrefix ?? 'citycloud.hcmc.gov.vn'}/tenant`]: t.id },
      ...(props.labelPrefix ? { labelPrefix: props.labelPrefix } : {}),
    });
  }
}
