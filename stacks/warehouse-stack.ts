/**
 * The stacks of a warehouse: each of the 8 warehouses plans, deploys and fails on its own, and
 * one whose shards would pass the stack bound (`stacks.maxResources`) puts the later groups of
 * shards in stacks of their own, `warehouse-<id>-shards-<k>`, deployed after the first (which
 * holds the namespace, the keeper quorum, the policies and the first group).
 */
import {
  type BackupAgentArns,
  backupAgentArns,
  type CityModel,
  offsiteBucketName,
  offsiteS3Endpoint,
  type SecondSite,
  shardGroups,
  type Warehouse,
  warehouseNamespace,
} from '../model/index.ts';
import { modelsOfPool } from '../model/pool-servers.ts';
import { loadOnce } from './load-once.ts';
import type { StackPlan } from './stack-plan.ts';

const warehouseCluster = loadOnce(() => import('../constructs/warehouse-cluster.ts'));
const backupTargets = loadOnce(() => import('../constructs/warehouse/backup-target.ts'));
const warehouseShards = loadOnce(() =>
  Promise.all([
    import('../constructs/warehouse/warehouse-shards.ts'),
    import('../constructs/warehouse/warehouse-scope.ts'),
    import('../constructs/pod-placement.ts'),
  ]),
);

/** Where a warehouse's backups go, as facts of the model (a stack part's slice). */
type BackupTargetFacts =
  | { readonly kind: 'second-site'; readonly site: SecondSite; readonly bucket: string }
  | {
      readonly kind: 'offsite';
      readonly region: string;
      readonly bucket: string;
      readonly agent: BackupAgentArns;
    };

/** The stacks of one warehouse, in deploy order. */
export function warehousePlans(model: CityModel, warehouse: Warehouse): StackPlan[] {
  const name = warehouseNamespace(warehouse.id);
  const pool = model.pools.find((p) => p.id === warehouse.pool);
  if (!pool)
    throw new Error(
      `${name}: warehouse ${warehouse.id} runs on pool ${warehouse.pool}, which does not exist`,
    );
  const servers = model.servers.filter((s) => s.pool === warehouse.pool);
  const [first, ...later] = shardGroups(model, warehouse);
  // personal data backs up to the city's own second site (CC022 checks it may), the rest to the
  // off-site bucket through the backup agent's role, when the inventory names its trust anchor
  // (CC026 refuses an inventory with an off-site warehouse that does not).
  // The slice is the target's facts; the construct's BackupTarget is made from them once loaded
  const agent = backupAgentArns(model.offsite, warehouse.id);
  const site = model.secondSite;
  const backupTarget: BackupTargetFacts | undefined =
    warehouse.backupTo === 'second-site' && site
      ? { kind: 'second-site', site, bucket: `citycloud-backup-${warehouse.id}` }
      : warehouse.backupTo === 'offsite' && agent
        ? {
            kind: 'offsite',
            region: model.offsite.region,
            bucket: offsiteBucketName(model.city.code, warehouse.id),
            agent,
          }
        : undefined;
  const target = async () => {
    const { BackupTarget } = await backupTargets();
    switch (backupTarget?.kind) {
      case 'second-site':
        return BackupTarget.secondSite(backupTarget.site, backupTarget.bucket);
      case 'offsite':
        return BackupTarget.offsite({ ...backupTarget, endpoint: offsiteS3Endpoint(backupTarget.region) });
      default:
        return undefined;
    }
  };
  // what the construct reads of the servers: the racks they are in and the models they are
  const slice = {
    warehouse,
    pool,
    racks: [...new Set(servers.map((s) => s.rack))].sort(),
    serverModels: modelsOfPool(warehouse.pool, servers, model.serverModels),
    externalSystems: model.externalSystems.filter((e) => warehouse.connectsTo.includes(e.id)),
    readers: model.tenants.filter((t) => t.reaches.includes(warehouse.id)).map((t) => t.id),
    backupTarget,
    shardGroup: first,
  };
  const main: StackPlan = {
    name,
    state: model.terraformState,
    parts: [
      {
        id: warehouse.id,
        slice,
        load: async () => {
          const { WarehouseCluster } = await warehouseCluster();
          const backup = await target();
          return (s) =>
            new WarehouseCluster(s, warehouse.id, {
              warehouse,
              pool,
              servers,
              serverModels: model.serverModels,
              externalSystems: model.externalSystems,
              tenants: model.tenants,
              ...(backup ? { backupTarget: backup } : {}),
              ...(later.length > 0 && first ? { shardGroup: first } : {}),
            });
        },
      },
    ],
  };
  const groups: StackPlan[] = later.map((group, i) => ({
    name: `${name}-shards-${i + 2}`,
    state: model.terraformState,
    parts: [
      {
        id: `${warehouse.id}-shards-${i + 2}`,
        slice: { warehouse, pool, group, backupTarget },
        load: async () => {
          const [{ WarehouseShards }, { warehouseScope }, { DEFAULT_LABEL_PREFIX }] = await warehouseShards();
          const backup = await target();
          return (s) =>
            new WarehouseShards(s, `${warehouse.id}-shards-${i + 2}`, {
              scope: warehouseScope(warehouse, pool, DEFAULT_LABEL_PREFIX),
              group,
              ...(backup ? { backup } : {}),
            });
        },
      },
    ],
  }));
  return [main, ...groups];
}
