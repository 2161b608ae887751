/**
 * file_sd target groups: node_exporter on every server in service (labelled with its pool, rack,
 * row, hall, criticality and model, so rules aggregate by them; a planned phase's servers do not
 * exist yet, and a target that never answers would page ServerDown forever), and the warehouse
 * and service exporters.
 */
import {
  type CityModel,
  planAddresses,
  primaryUplinkDemands,
  serversInService,
  warehouseNamespace,
  warehouseShardName,
} from '../model/index.ts';
import { WALG_EXPORTER_PORT } from './metrics/walg.ts';

export const NODE_EXPORTER_PORT = 9100;
export const WAREHOUSE_EXPORTER_PORT = 9363;

export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export function nodeTargets(model: CityModel): TargetGroup[] {
  const criticality = new Map(model.pools.map((p) => [p.id, p.criticality]));
  return serversInService(model).map((s) => ({
    targets: [`${s.name}:${NODE_EXPORTER_PORT}`],
    labels: {
      instance: s.name,
      pool: s.pool,
      rack: s.rack,
      row: s.row,
      hall: s.hall,
      criticality: criticality.get(s.pool) ?? 'normal',
      model: s.model,
    },
  }));
}

/** The kubelet's port on every Node. */
export const KUBELET_PORT = 10250;

/**
 * Every server in service's kubelet (and its cAdvisor): a Node is a server, named as it is, with
 * its pool and criticality (prometheus-config.ts says why from the model, not discovery).
 */
export function kubeletTargets(model: CityModel): TargetGroup[] {
  return nodeTargets(model).map((g) => ({
    targets: [`${g.labels.instance}:${KUBELET_PORT}`],
    labels: {
      instance: g.labels.instance as string,
      node: g.labels.instance as string,
      pool: g.labels.pool as string,
      criticality: g.labels.criticality as string,
    },
  }));
}

/**
 * Each district hub polled by snmp_exporter for its primary uplink (the interface described
 * `primary-uplink`), labelled with the district, the link and its capacity.
 */
export function uplinkTargets(model: CityModel): TargetGroup[] {
  const loopback = new Map(planAddresses(model).sites.map((s) => [s.point, s.loopback.replace('/32', '')]));
  const level = new Map(model.network.points.map((p) => [p.id, p.level]));
  return primaryUplinkDemands(model).flatMap((d) => {
    const address = loopback.get(d.point);
    return level.get(d.point) === 'district' && address
      ? [
          {
            targets: [address],
            labels: { district: d.point, link: d.uplink.id, capacity_mbps: String(d.uplink.mbps) },
          },
        ]
      : [];
  });
}

export function warehouseTargets(model: CityModel): TargetGroup[] {
  return model.warehouses.map((w) => ({
    targets: [`warehouse-${w.id}-exporter.warehouse-${w.id}.svc:${WAREHOUSE_EXPORTER_PORT}`],
    labels: { warehouse: w.id, engine: w.engine, pool: w.pool },
  }));
}

/**
 * The WAL-G exporter beside every pod of every PostgreSQL warehouse shard (its `walg-metrics`
 * port), by the pod's DNS name under the shard's headless Service (a StatefulSet's pods are
 * `<shard>-<ordinal>.<shard>.<namespace>.svc`), labelled with the warehouse, the shard and the
 * pod: the exporter has no labels of its own. Every pod is a target, as every kubelet is, because
 * the leader moves; only the leader's reports its backups (rules/backup-rules.ts).
 */
export function walgTargets(model: CityModel): TargetGroup[] {
  return model.warehouses
    .filter((w) => w.engine === 'postgresql')
    .flatMap((w) =>
      // the shards' names as the stacks make them (constructs/warehouse/warehouse-shards.ts)
      Array.from({ length: w.shards }, (_, i) => warehouseShardName(w.id, i + 1)).flatMap((shard) =>
        Array.from({ length: w.replicas }, (_, ordinal) => ({
          targets: [`${shard}-${ordinal}.${shard}.${warehouseNamespace(w.id)}.svc:${WALG_EXPORTER_PORT}`],
          labels: { warehouse: w.id, shard, pod: `${shard}-${ordinal}` },
        })),
      ),
    );
}
