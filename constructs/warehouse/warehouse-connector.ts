/** The connector: the only part of a warehouse that exchanges data with the national systems it `connectsTo`. */
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { Construct } from 'constructs';
import { acrossRacks, guaranteed } from '../pod-placement.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

/** The connector pods' name label, which the egress policy selects. */
export const CONNECTOR_NAME = 'warehouse-connector';

export interface WarehouseConnectorProps {
  readonly scope: WarehouseScope;
  /** Pods of the connector (at least 1: WarehouseCluster checks). */
  readonly replicas: number;
  /** The connector's image. */
  readonly image: string;
}

const CONNECTOR_RESOURCES = { cpuCores: 2, memoryGiB: 4 };

export class WarehouseConnector extends Construct {
  constructor(scope: Construct, id: string, props: WarehouseConnectorProps) {
    super(scope, id);
    const s = props.scope;
    const name = `${s.warehouse.id}-connector`;
    const selector = { ...s.base, 'app.kubernetes.io/name': CONNECTOR_NAME };
    new DeploymentV1(this, 'connector', {
      metadata: s.metadata(name),
      spec: {
        replicas: String(props.replicas),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            ...s.scheduling,
            ...acrossRacks(s.labelPrefix, selector, false),
            priorityClassName: s.priorityClassName,
            container: [
              {
                name: 'connector',
                image: props.image,
                port: [{ name: 'http', containerPort: 8080 }],
                resources: guaranteed(CONNECTOR_RESOURCES.cpuCores, CONNECTOR_RESOURCES.memoryGiB),
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  periodSeconds: 20,
                  failureThreshold: 6,
                },
              },
            ],
          },
        },
      },
      waitForRollout: false,
    }).overrideLogicalId(name);
  }
}
