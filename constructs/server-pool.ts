/**
 * A pool of servers as Kubernetes sees it: every server's Node labelled with its pool, hall (the
 * topology zone), row, rack and model — the keys warehouse anti-affinity and upgrades select on —
 * and, for a dedicated pool, tainted so that only the pool's own workloads run there. Resource
 * addresses are the server names, so adding a server adds its resources and changes no other.
 */
import { Labels } from '@cdktf/provider-kubernetes/lib/labels/index.js';
import { NodeTaint } from '@cdktf/provider-kubernetes/lib/node-taint/index.js';
import { Construct } from 'constructs';
import type { Pool, Server } from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';

export interface ServerPoolProps {
  /** The pool, from the model. */
  readonly pool: Pool;
  /** Its servers, from the model; every one must belong to the pool. */
  readonly servers: readonly Server[];
  /**
   * Prefix of citycloud's own label keys (a DNS subdomain).
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
  /**
   * Taint the nodes so that only workloads tolerating the pool run there.
   * @default - true for dedicated pools (warehouse, GPU, management), false for general ones
   */
  readonly taint?: boolean;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export class ServerPool extends Construct {
  readonly pool: Pool;
  readonly labelPrefix: string;
  readonly taint: boolean;

  constructor(scope: Construct, id: string, props: ServerPoolProps) {
    super(scope, id);
    this.pool = props.pool;
    this.labelPrefix = props.labelPrefix ?? 'citycloud.hcmc.gov.vn';
    this.taint = props.taint ?? props.pool.dedicated;

    if (!DNS_SUBDOMAIN.test(this.labelPrefix))
      throw new ConstructPropsError(
        'label-prefix',
        `${this.node.path}: labelPrefix "${this.labelPrefix}" is not a DNS subdomain; expected e.g. citycloud.hcmc.gov.vn`,
      );
    if (props.servers.length === 0)
      throw new ConstructPropsError(
        'pool-has-servers',
        `${this.node.path}: pool ${props.pool.id} has no servers; expected at least one (${props.pool.path})`,
        props.pool.path,
      );
    const stray = props.servers.filter((s) => s.pool !== props.pool.id);
    if (stray.length > 0)
      throw new ConstructPropsError(
        'pool-own-servers',
        `${this.node.path}: ${stray.map((s) => s.name).join(', ')} belong to ${[...new Set(stray.map((s) => s.pool))].join(', ')}, not ${props.pool.id}; expected only the pool's own servers`,
      );

    for (const s of props.servers) {
      const labels = new Labels(this, `labels-${s.name}`, {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: s.name },
        labels: this.labelsOf(s),
        fieldManager: 'citycloud',
      });
      labels.overrideLogicalId(s.name);
      if (this.taint) {
        const taint = new NodeTaint(this, `taint-${s.name}`, {
          metadata: { name: s.name },
          taint: [{ key: `${this.labelPrefix}/pool`, value: props.pool.id, effect: 'NoSchedule' }],
          fieldManager: 'citycloud',
        });
        taint.overrideLogicalId(s.name);
      }
    }
  }

  /** The labels of one server's Node. */
  labelsOf(s: Server): Record<string, string> {
    return {
      'topology.kubernetes.io/zone': s.hall,
      'node.kubernetes.io/instance-type': s.model,
      [`${this.labelPrefix}/pool`]: s.pool,
      [`${this.labelPrefix}/row`]: `${s.hall}-${s.row}`,
      [`${this.labelPrefix}/rack`]: s.rack,
      [`${this.labelPrefix}/criticality`]: this.pool.criticality,
    };
  }
}
