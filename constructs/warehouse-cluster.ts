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

import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1/index.js';
import { Construct } from 'constructs';
import {
  type ExternalSystem,
  KEEPER_QUORUM,
  MIN_WAREHOUSE_REPLICAS,
  type Pool,
  racksNeeded,
  type Server,
  type ServerModel,
  type Tenant,
  type Warehouse,
  warehouseNamespace,
} from '../model/index.ts';
import { fitsOneOf, modelsOfPool } from '../model/pool-servers.ts';
import { ConstructPropsError } from './construct-props-error.ts';
import { DEFAULT_LABEL_PREFIX } from './pod-placement.ts';
import type { BackupTarget } from './warehouse/backup-target.ts';
import { DEFAULT_WAREHOUSE_IMAGES, engineOf, type WarehouseImages } from './warehouse/engine.ts';
import { KeeperQuorum } from './warehouse/keeper-quorum.ts';
import { OffsiteBackup } from './warehouse/offsite-backup.ts';
import { PatroniAccess } from './warehouse/patroni-access.ts';
import { RestoreDrill } from './warehouse/restore-drill.ts';
import { SecondSiteBackup } from './warehouse/second-site-backup.ts';
import { allowWalgMetrics } from './warehouse/walg-exporter.ts';
import { WarehouseConnector } from './warehouse/warehouse-connector.ts';
import { WarehousePolicies } from './warehouse/warehouse-policies.ts';
import { warehouseScope } from './warehouse/warehouse-scope.ts';
import { shardNames, WarehouseShards } from './warehouse/warehouse-shards.ts';

export { DEFAULT_WAREHOUSE_IMAGES, type WarehouseImages };

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
   * Where the shards send their backups: a PostgreSQL shard archives there with WAL-G (its
   * environment, spilo-backup.ts), a ClickHouse shard's CronJobs run BACKUP to it
   * (clickhouse-backup.ts); the replicas may reach the city's own second site, or AWS's public
   * addresses off-site, on 443.
   * @default - none: no backup is configured
   */
  readonly backupTarget?: BackupTarget;
  /**
   * The shards (1-based, inclusive) this construct holds; the others are WarehouseShards in stacks
   * of their own (model/stack-bounds.ts).
   * @default - every shard
   */
  readonly shardGroup?: { readonly from: number; readonly to: number };
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

export class WarehouseCluster extends Construct {
  readonly namespace: string;
  readonly labelPrefix: string;
  readonly images: WarehouseImages;
  readonly keeperReplicas: number;
  readonly connectorReplicas: number;
  /** The names of the shards' StatefulSets (and headless Services) this construct holds, `<warehouse>-s01` on. */
  readonly shardNames: readonly string[];

  constructor(scope: Construct, id: string, props: WarehouseClusterProps) {
    super(scope, id);
    const w = props.warehouse;
    this.labelPrefix = props.labelPrefix ?? DEFAULT_LABEL_PREFIX;
    this.images = { ...DEFAULT_WAREHOUSE_IMAGES, ...props.images };
    this.keeperReplicas = props.keeperReplicas ?? KEEPER_QUORUM;
    this.connectorReplicas = props.connectorReplicas ?? 2;
    this.namespace = warehouseNamespace(w.id);
    const group = props.shardGroup ?? { from: 1, to: w.shards };
    this.shardNames = shardNames(w, group);
    const externals = this.validate(props);

    const prefix = this.labelPrefix;
    const engine = engineOf(w);
    const ws = warehouseScope(w, props.pool, prefix, props.priorityClassName);

    new NamespaceV1(this, 'namespace', {
      metadata: {
        name: this.namespace,
        // the criticality, for the monitoring (kube-state-metrics' kube_namespace_labels)
        labels: {
          [`${prefix}/warehouse`]: w.id,
          [`${prefix}/pool`]: w.pool,
          [`${prefix}/criticality`]: props.pool.criticality,
        },
      },
    }).overrideLogicalId(this.namespace);

    if (engine.leaderLockInKubernetes) new PatroniAccess(this, 'patroni', { scope: ws });
    new WarehouseShards(this, 'shards', {
      scope: ws,
      group,
      images: this.images,
      keeperReplicas: this.keeperReplicas,
      ...(props.backupTarget ? { backup: props.backupTarget } : {}),
    });

    if (engine.needsKeeper)
      new KeeperQuorum(this, 'keeper-quorum', {
        scope: ws,
        replicas: this.keeperReplicas,
        image: this.images.keeper,
      });
    new WarehousePolicies(this, 'policies', { scope: ws, engine, tenants: props.tenants, externals });
    if (props.backupTarget?.site)
      new SecondSiteBackup(this, 'backup', { scope: ws, site: props.backupTarget.site });
    if (props.backupTarget?.agent) new OffsiteBackup(this, 'offsite-backup', { scope: ws, engine });
    if (props.backupTarget && engine.name === 'postgresql') allowWalgMetrics(this, ws);
    if (w.backup.drill !== null) new RestoreDrill(this, 'restore-drill', { scope: ws });
    if (externals.length > 0)
      new WarehouseConnector(this, 'connector', {
        scope: ws,
        replicas: this.connectorReplicas,
        image: this.images.connector,
      });
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
}
