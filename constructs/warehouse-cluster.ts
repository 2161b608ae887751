/**
 * One big-data warehouse on Kubernetes: its namespace (labelled so that the tenants allowed to
 * read it can select it), a StatefulSet and headless Service per shard whose replicas must sit in
 * different racks (required anti-affinity on ServerPool's rack label, checked against the rack
 * model before anything is written), a PodDisruptionBudget per shard and for the keeper quorum,
 * volume claims of the size and class the model declares, and network policies: only the
 * warehouse itself, its readers and — for a warehouse linked to a national system — only its
 * connector reaching that system.
 *
 * ClickHouse shards replicate through a ClickHouse Keeper quorum; PostgreSQL shards are Patroni
 * clusters (Spilo) that elect their primary through the Kubernetes API.
 */

import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1/index.js';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1/index.js';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1/index.js';
import {
  NetworkPolicyV1,
  type NetworkPolicyV1Spec,
  type NetworkPolicyV1SpecEgress,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1/index.js';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1/index.js';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1/index.js';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1/index.js';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1/index.js';
import {
  StatefulSetV1,
  type StatefulSetV1SpecTemplateSpecContainer,
} from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { Construct } from 'constructs';
import {
  type ExternalSystem,
  KEEPER_QUORUM,
  MIN_WAREHOUSE_REPLICAS,
  type Pool,
  racksNeeded,
  type SecondSite,
  type Server,
  type ServerModel,
  type Tenant,
  type Warehouse,
} from '../model/index.ts';
import { fitsOneOf, modelsOfPool } from '../model/pool-servers.ts';
import { ConstructPropsError } from './construct-props-error.ts';
import { allowDns, defaultDeny } from './namespace-policies.ts';
import { acrossRacks, DEFAULT_LABEL_PREFIX, guaranteed, onPool } from './pod-placement.ts';

/** Container images, pinned; override per city. */
export interface WarehouseImages {
  readonly clickhouse: string;
  readonly keeper: string;
  readonly postgresql: string;
  readonly connector: string;
}

export const DEFAULT_WAREHOUSE_IMAGES: WarehouseImages = {
  clickhouse: 'clickhouse/clickhouse-server:24.8.14.39',
  keeper: 'clickhouse/clickhouse-keeper:24.8.14.39',
  postgresql: 'ghcr.io/zalando/spilo-16:3.3-p3',
  connector: 'registry.hcmc.gov.vn/platform/warehouse-connector:2.3.0',
};

export interface WarehouseClusterProps {
  /** The warehouse, from the model. */
  readonly warehouse: Warehouse;
  /** Its pool, from the model. */
  readonly pool: Pool;
  /** The pool's servers: the racks they sit in decide whether the replicas can be separated. */
  readonly servers: readonly Server[];
  /** The model's server models, to check that a replica fits on a server of the pool. */
  readonly serverModels: readonly ServerModel[];
  /** The model's external systems, to resolve what the warehouse's connector reaches. */
  readonly externalSystems: readonly ExternalSystem[];
  /** The model's tenants: those that `reach` this warehouse may connect to it. */
  readonly tenants: readonly Tenant[];
  /**
   * Where the replicas send their backups when it is the city's own second site (personal data
   * that may not leave the country): its endpoint goes into a ConfigMap the backup tools read, and
   * the replicas may reach it on 443.
   * @default - none: the backups go to the off-site tier, through the backup agent's role
   */
  readonly backupTarget?: { readonly site: SecondSite; readonly bucket: string };
  /**
   * Replicas of the ClickHouse Keeper quorum (odd: a majority must survive).
   * @default 3
   */
  readonly keeperReplicas?: number;
  /**
   * Replicas of the connector that exchanges data with the national systems.
   * @default 2
   */
  readonly connectorReplicas?: number;
  /**
   * Container images.
   * @default DEFAULT_WAREHOUSE_IMAGES
   */
  readonly images?: Partial<WarehouseImages>;
  /**
   * Prefix of citycloud's label keys (as ServerPool's, whose rack label the replicas spread on).
   * @default 'citycloud.hcmc.gov.vn'
   */
  readonly labelPrefix?: string;
  /**
   * The PriorityClass of the warehouse's pods (as PriorityClasses names them).
   * @default `citycloud-<pool criticality>`
   */
  readonly priorityClassName?: string;
}

interface Engine {
  readonly ports: readonly { readonly name: string; readonly port: number }[];
  /** Ports the warehouse's readers connect to. */
  readonly clientPorts: readonly number[];
  readonly dataPath: string;
}

const ENGINES: Readonly<Record<Warehouse['engine'], Engine>> = {
  clickhouse: {
    ports: [
      { name: 'native', port: 9000 },
      { name: 'http', port: 8123 },
      { name: 'interserver', port: 9009 },
    ],
    clientPorts: [9000, 8123],
    dataPath: '/var/lib/clickhouse',
  },
  postgresql: {
    ports: [
      { name: 'postgresql', port: 5432 },
      { name: 'patroni', port: 8008 },
    ],
    clientPorts: [5432],
    dataPath: '/home/postgres/pgdata',
  },
};
const KEEPER_PORTS = [
  { name: 'client', port: 9181 },
  { name: 'raft', port: 9234 },
];
const KEEPER_RESOURCES = { cpuCores: 2, memoryGiB: 8, storageGiB: 50 };
const CONNECTOR_RESOURCES = { cpuCores: 2, memoryGiB: 4 };

export class WarehouseCluster extends Construct {
  readonly namespace: string;
  readonly labelPrefix: string;
  readonly images: WarehouseImages;
  readonly keeperReplicas: number;
  readonly connectorReplicas: number;
  /** The names of the shards' StatefulSets (and headless Services), `<warehouse>-s01` on. */
  readonly shardNames: readonly string[];

  constructor(scope: Construct, id: string, props: WarehouseClusterProps) {
    super(scope, id);
    const w = props.warehouse;
    this.labelPrefix = props.labelPrefix ?? DEFAULT_LABEL_PREFIX;
    this.images = { ...DEFAULT_WAREHOUSE_IMAGES, ...props.images };
    this.keeperReplicas = props.keeperReplicas ?? KEEPER_QUORUM;
    this.connectorReplicas = props.connectorReplicas ?? 2;
    this.namespace = `warehouse-${w.id}`;
    const digits = Math.max(2, String(w.shards).length);
    this.shardNames = Array.from(
      { length: w.shards },
      (_, i) => `${w.id}-s${String(i + 1).padStart(digits, '0')}`,
    );
    const externals = this.validate(props);

    const prefix = this.labelPrefix;
    const engine = ENGINES[w.engine];
    const priorityClassName = props.priorityClassName ?? `citycloud-${props.pool.criticality}`;
    const scheduling = onPool(prefix, props.pool);
    const base = { 'app.kubernetes.io/part-of': `warehouse-${w.id}`, [`${prefix}/warehouse`]: w.id };
    const metadata = (name: string, labels: Record<string, string> = {}) => ({
      name,
      namespace: this.namespace,
      labels: { ...base, ...labels },
    });

    new NamespaceV1(this, 'namespace', {
      metadata: {
        name: this.namespace,
        labels: { [`${prefix}/warehouse`]: w.id, [`${prefix}/pool`]: w.pool },
      },
    }).overrideLogicalId(this.namespace);

    let serviceAccountName: string | undefined;
    if (w.engine === 'postgresql') serviceAccountName = this.patroniAccess(w.id);

    for (const shard of this.shardNames) {
      const selector = { ...base, [`${prefix}/shard`]: shard };
      const labels =
        w.engine === 'postgresql'
          ? { ...selector, 'app.kubernetes.io/name': 'postgresql', 'cluster-name': shard }
          : { ...selector, 'app.kubernetes.io/name': 'clickhouse' };
      this.headlessService(shard, metadata(shard, { [`${prefix}/shard`]: shard }), selector, engine.ports);
      const container: StatefulSetV1SpecTemplateSpecContainer = {
        name: w.engine,
        image: w.engine === 'postgresql' ? this.images.postgresql : this.images.clickhouse,
        port: engine.ports.map((p) => ({ name: p.name, containerPort: p.port })),
        resources: guaranteed(w.perReplica.cpuCores, w.perReplica.memoryGiB),
        volumeMount: [{ name: 'data', mountPath: engine.dataPath }],
        env: w.engine === 'postgresql' ? patroniEnv(shard) : clickhouseEnv(w.id, shard, this.keeperHosts(w)),
        readinessProbe:
          w.engine === 'postgresql'
            ? { httpGet: { path: '/readiness', port: 'patroni' }, periodSeconds: 10, failureThreshold: 3 }
            : { httpGet: { path: '/ping', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
        livenessProbe:
          w.engine === 'postgresql'
            ? { httpGet: { path: '/liveness', port: 'patroni' }, periodSeconds: 20, failureThreshold: 6 }
            : { httpGet: { path: '/ping', port: 'http' }, periodSeconds: 20, failureThreshold: 6 },
      };
      new StatefulSetV1(this, `shard-${shard}`, {
        metadata: metadata(shard, { [`${prefix}/shard`]: shard }),
        spec: {
          serviceName: shard,
          replicas: String(w.replicas),
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: selector },
          updateStrategy: [{ type: 'RollingUpdate' }],
          template: {
            metadata: { labels },
            spec: {
              ...scheduling,
              ...acrossRacks(prefix, selector, true),
              priorityClassName,
              ...(serviceAccountName ? { serviceAccountName } : {}),
              terminationGracePeriodSeconds: 120,
              container: [container],
            },
          },
          volumeClaimTemplate: [
            {
              metadata: { name: 'data' },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: w.storageClass,
                resources: { requests: { storage: `${w.storagePerReplicaTiB}Ti` } },
              },
            },
          ],
          persistentVolumeClaimRetentionPolicy: [{ whenDeleted: 'Retain', whenScaled: 'Retain' }],
        },
        waitForRollout: false,
      }).overrideLogicalId(shard);
      // a drain takes at most one replica of a shard: the others keep serving and replicating
      new PodDisruptionBudgetV1(this, `pdb-${shard}`, {
        metadata: metadata(shard),
        spec: { maxUnavailable: '1', selector: { matchLabels: selector } },
      }).overrideLogicalId(shard);
    }

    if (w.engine === 'clickhouse') this.keeper(w.id, metadata, base, scheduling, priorityClassName);
    this.networkPolicies(w, props.tenants, externals, metadata, base, engine);
    if (props.backupTarget) this.backupTarget(w, props.backupTarget, metadata);
    if (externals.length > 0) this.connector(w.id, metadata, base, scheduling, priorityClassName);
  }

  private validate(props: WarehouseClusterProps): ExternalSystem[] {
    const w = props.warehouse;
    const where = `${this.node.path} (${w.path})`;
    const refuse = (refusal: string, message: string) => {
      throw new ConstructPropsError(refusal, `${where}: ${message}`, w.path);
    };
    if (props.pool.id !== w.pool)
      refuse('warehouse-pool', `pool ${props.pool.id} given, but warehouse ${w.id} runs on ${w.pool}`);
    if (w.replicas < MIN_WAREHOUSE_REPLICAS)
      refuse(
        'warehouse-replicas',
        `${w.replicas} replica per shard cannot survive a node drain or a rack loss; expected at least ${MIN_WAREHOUSE_REPLICAS}`,
      );
    if (this.keeperReplicas < 3 || this.keeperReplicas % 2 === 0)
      refuse(
        'keeper-replicas',
        `keeperReplicas ${this.keeperReplicas}; expected an odd number of at least 3`,
      );
    if (this.connectorReplicas < 1)
      refuse('connector-replicas', `connectorReplicas ${this.connectorReplicas}; expected at least 1`);
    const racks = new Set(props.servers.filter((s) => s.pool === w.pool).map((s) => s.rack));
    const need = racksNeeded(w, this.keeperReplicas);
    if (racks.size < need)
      refuse(
        'warehouse-racks',
        `replicas must sit in different racks, but pool ${w.pool} has servers in ${racks.size} rack${racks.size === 1 ? '' : 's'}; expected at least ${need}`,
      );
    if (!fitsOneOf(w.perReplica, modelsOfPool(w.pool, props.servers, props.serverModels)))
      refuse(
        'warehouse-replica-fits',
        `a replica needs ${w.perReplica.cpuCores} cores and ${w.perReplica.memoryGiB} GiB, more than any server of pool ${w.pool} has; expected perReplica within one server`,
      );
    const known = new Map(props.externalSystems.map((e) => [e.id, e]));
    return w.connectsTo.map((x) => {
      const e = known.get(x);
      if (!e)
        refuse(
          'warehouse-connects-to',
          `connectsTo ${x}, which is no external system; expected one of ${[...known.keys()].join(', ') || '(none declared)'}`,
        );
      return e as ExternalSystem;
    });
  }

  private keeperHosts(w: Warehouse): string[] {
    return Array.from({ length: this.keeperReplicas }, (_, i) => `${w.id}-keeper-${i}.${w.id}-keeper`);
  }

  private headlessService(
    name: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    selector: Record<string, string>,
    ports: readonly { name: string; port: number }[],
  ) {
    new ServiceV1(this, `service-${name}`, {
      metadata,
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector,
        port: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name })),
      },
    }).overrideLogicalId(name);
  }

  /** The ClickHouse Keeper quorum: one replica per rack, a budget that never breaks the majority. */
  private keeper(
    id: string,
    metadata: (
      name: string,
      labels?: Record<string, string>,
    ) => {
      name: string;
      namespace: string;
      labels: Record<string, string>;
    },
    base: Record<string, string>,
    scheduling: ReturnType<typeof onPool>,
    priorityClassName: string,
  ) {
    const name = `${id}-keeper`;
    const selector = { ...base, 'app.kubernetes.io/name': 'clickhouse-keeper' };
    this.headlessService(name, metadata(name), selector, KEEPER_PORTS);
    new StatefulSetV1(this, 'keeper', {
      metadata: metadata(name),
      spec: {
        serviceName: name,
        replicas: String(this.keeperReplicas),
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            ...scheduling,
            ...acrossRacks(this.labelPrefix, selector, true),
            priorityClassName,
            container: [
              {
                name: 'keeper',
                image: this.images.keeper,
                port: KEEPER_PORTS.map((p) => ({ name: p.name, containerPort: p.port })),
                resources: guaranteed(KEEPER_RESOURCES.cpuCores, KEEPER_RESOURCES.memoryGiB),
                volumeMount: [{ name: 'data', mountPath: '/var/lib/clickhouse-keeper' }],
                readinessProbe: { tcpSocket: [{ port: 'client' }], periodSeconds: 10 },
              },
            ],
          },
        },
        volumeClaimTemplate: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: `${KEEPER_RESOURCES.storageGiB}Gi` } },
            },
          },
        ],
      },
      waitForRollout: false,
    }).overrideLogicalId(name);
    new PodDisruptionBudgetV1(this, 'keeper-pdb', {
      metadata: metadata(name),
      spec: {
        minAvailable: String(Math.floor(this.keeperReplicas / 2) + 1),
        selector: { matchLabels: selector },
      },
    }).overrideLogicalId(name);
  }

  /** Patroni keeps its leader lock in the Kubernetes API: a service account allowed just that. */
  private patroniAccess(id: string): string {
    const name = `${id}-patroni`;
    const meta = { name, namespace: this.namespace };
    new ServiceAccountV1(this, 'patroni-account', { metadata: meta }).overrideLogicalId(name);
    new RoleV1(this, 'patroni-role', {
      metadata: meta,
      rule: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'],
        },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'patch', 'update'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
        { apiGroups: [''], resources: ['services'], verbs: ['create'] },
      ],
    }).overrideLogicalId(name);
    new RoleBindingV1(this, 'patroni-binding', {
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subject: [{ kind: 'ServiceAccount', name, namespace: this.namespace }],
    }).overrideLogicalId(name);
    return name;
  }

  /** The second site the backups go to: where, for the backup tools; and the way out to it, for the replicas. */
  private backupTarget(
    w: Warehouse,
    target: { readonly site: SecondSite; readonly bucket: string },
    metadata: (name: string) => { name: string; namespace: string; labels: Record<string, string> },
  ) {
    new ConfigMapV1(this, 'backup-target', {
      metadata: metadata(`${w.id}-backup-target`),
      data: {
        S3_ENDPOINT: target.site.endpoint,
        S3_BUCKET: target.bucket,
        SITE: target.site.id,
        JURISDICTION: target.site.jurisdiction,
      },
    }).overrideLogicalId(`${w.id}-backup-target`);
    new NetworkPolicyV1(this, 'policy-allow-backup', {
      metadata: metadata(`${w.id}-allow-backup`),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: target.site.cidr } }], ports: [{ port: '443', protocol: 'TCP' }] },
        ],
      },
    }).overrideLogicalId(`${w.id}-allow-backup`);
  }

  private networkPolicies(
    w: Warehouse,
    tenants: readonly Tenant[],
    externals: readonly ExternalSystem[],
    metadata: (name: string) => { name: string; namespace: string; labels: Record<string, string> },
    base: Record<string, string>,
    engine: Engine,
  ) {
    const policy = (name: string, spec: NetworkPolicyV1Spec) =>
      new NetworkPolicyV1(this, `policy-${name}`, {
        metadata: metadata(`${w.id}-${name}`),
        spec,
      }).overrideLogicalId(`${w.id}-${name}`);
    const readers = tenants.filter((t) => t.reaches.includes(w.id)).map((t) => t.id);
    policy('default-deny', defaultDeny());
    policy('allow-dns', allowDns());
    // replication, keeper and Patroni traffic stays inside the warehouse
    policy('allow-internal', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    if (w.engine === 'postgresql')
      // Patroni's leader lock lives in the Kubernetes API
      policy('allow-kubernetes-api', {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: '443', protocol: 'TCP' },
              { port: '6443', protocol: 'TCP' },
            ],
          },
        ],
      });
    if (readers.length > 0)
      policy('allow-readers', {
        podSelector: { matchLabels: { [`${this.labelPrefix}/warehouse`]: w.id } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: readers.map((t) => ({
              namespaceSelector: { matchLabels: { [`${this.labelPrefix}/tenant`]: t } },
            })),
            ports: engine.clientPorts.map((p) => ({ port: String(p), protocol: 'TCP' })),
          },
        ],
      });
    if (externals.length > 0) {
      const egress: NetworkPolicyV1SpecEgress[] = externals.map((e) => ({
        to: [{ ipBlock: { cidr: e.cidr } }],
        ports: e.ports.map((p) => ({ port: String(p), protocol: 'TCP' })),
      }));
      // only the connector, not the database pods, talks to the national systems
      policy('allow-connector-egress', {
        podSelector: { matchLabels: { ...base, 'app.kubernetes.io/name': 'warehouse-connector' } },
        policyTypes: ['Egress'],
        egress,
      });
    }
  }

  private connector(
    id: string,
    metadata: (name: string) => { name: string; namespace: string; labels: Record<string, string> },
    base: Record<string, string>,
    scheduling: ReturnType<typeof onPool>,
    priorityClassName: string,
  ) {
    const name = `${id}-connector`;
    const selector = { ...base, 'app.kubernetes.io/name': 'warehouse-connector' };
    new DeploymentV1(this, 'connector', {
      metadata: metadata(name),
      spec: {
        replicas: String(this.connectorReplicas),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            ...scheduling,
            ...acrossRacks(this.labelPrefix, selector, false),
            priorityClassName,
            container: [
              {
                name: 'connector',
                image: this.images.connector,
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

function clickhouseEnv(warehouse: string, shard: string, keeperHosts: readonly string[]) {
  return [
    { name: 'CLICKHOUSE_CLUSTER', value: warehouse },
    { name: 'CLICKHOUSE_SHARD', value: shard },
    { name: 'CLICKHOUSE_KEEPER_HOSTS', value: keeperHosts.join(',') },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ];
}

function patroniEnv(shard: string) {
  return [
    { name: 'SCOPE', value: shard },
    { name: 'PGROOT', value: '/home/postgres/pgdata/pgroot' },
    { name: 'DCS_ENABLE_KUBERNETES_API', value: 'true' },
    { name: 'KUBERNETES_USE_CONFIGMAPS', value: 'true' },
    { name: 'KUBERNETES_SCOPE_LABEL', value: 'cluster-name' },
    { name: 'KUBERNETES_ROLE_LABEL', value: 'spilo-role' },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  ];
}
