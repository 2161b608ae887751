/** Warehouses: a replica down, and a shard whose live replicas fall below its quorum. */
import type { CityModel } from '../../model/index.ts';
import { WAREHOUSE_REPLICA_UP } from '../metrics/warehouse-replica.ts';
import { WAREHOUSE_VOLUME_CAPACITY, WAREHOUSE_VOLUME_USED } from '../metrics/warehouse-volume.ts';
import { type AlertSpec, alertRule, type RecordingRule } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

/** The used share of each warehouse's data volumes. */
export const VOLUME_USED = 'warehouse:citycloud_warehouse_volume_used:ratio';
/** A shard's part of each warehouse's volume capacity, which the global adds up. */
export const VOLUME_CAPACITY_PARTIAL = `shard_warehouse:${WAREHOUSE_VOLUME_CAPACITY}:sum`;

/** Live replicas of each warehouse shard (`shard` here is the warehouse's, not Prometheus'). */
const LIVE_REPLICAS = 'warehouse_shard:citycloud_warehouse_replica_up:sum';

/** The majority of a shard's replicas. */
export const quorumOf = (replicas: number) => Math.floor(replicas / 2) + 1;

export function warehouseRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const alerts: AlertSpec[] = [
    alertRule(
      {
        alert: 'WarehouseReplicaDown',
        expr: `${WAREHOUSE_REPLICA_UP} == 0`,
        for: '5m',
        severity: 'warning',
        summary: 'A warehouse replica is not serving its shard.',
        description:
          'Replica {{ $labels.replica }} of shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} has been down for 5 minutes.',
        scenario: {
          series: [
            { series: `${WAREHOUSE_REPLICA_UP}{warehouse="w1",shard="1",replica="2"}`, values: '1 1 0x20' },
          ],
          activeFromMinute: 2,
          firingLabels: { warehouse: 'w1', shard: '1', replica: '2' },
        },
        perTarget: true,
      },
      base,
    ),
  ];
  for (const w of model.warehouses) {
    const quorum = quorumOf(w.replicas);
    const down = w.replicas - quorum + 1; // the fewest down that break the quorum
    alerts.push(
      alertRule(
        {
          alert: 'WarehouseQuorumAtRisk',
          expr: `${LIVE_REPLICAS}{warehouse="${w.id}"} < ${quorum}`,
          for: '2m',
          severity: 'critical',
          summary: 'A warehouse shard has fewer live replicas than its quorum.',
          description: `Shard {{ $labels.shard }} of warehouse {{ $labels.warehouse }} has fewer than ${quorum} of its ${w.replicas} replicas up: one more failure and it stops answering.`,
          labels: { warehouse: w.id },
          scenario: {
            series: Array.from({ length: w.replicas }, (_, r) => ({
              series: `${WAREHOUSE_REPLICA_UP}{warehouse="${w.id}",shard="1",replica="${r + 1}"}`,
              values: r < down ? '1 1 0x20' : '1x22',
            })),
            activeFromMinute: 2,
            firingLabels: { warehouse: w.id, shard: '1' },
          },
        },
        base,
      ),
    );
  }
  // live replicas per shard (what the quorum alerts read), and warehouse-level views of what
  // their dedicated pools and replicas do
  const live = `sum by (warehouse, shard) (${WAREHOUSE_REPLICA_UP})`;
  const up = `sum by (warehouse) (${WAREHOUSE_REPLICA_UP})`;
  const all = `count by (warehouse) (${WAREHOUSE_REPLICA_UP})`;
  const used = `sum by (warehouse) (${WAREHOUSE_VOLUME_USED})`;
  const size = `sum by (warehouse) (${WAREHOUSE_VOLUME_CAPACITY})`;
  const recording: RecordingRule[] = [
    {
      record: LIVE_REPLICAS,
      expr: live,
      sharded: {
        partials: [{ record: `shard_${LIVE_REPLICAS}`, expr: live }],
        expr: `sum by (warehouse, shard) (shard_${LIVE_REPLICAS})`,
      },
    },
    {
      record: 'warehouse:citycloud_warehouse_replica_up:ratio',
      expr: `${up} / ${all}`,
      sharded: {
        partials: [
          { record: 'shard_warehouse:citycloud_warehouse_replica_up:sum', expr: up },
          { record: 'shard_warehouse:citycloud_warehouse_replica_up:count', expr: all },
        ],
        expr: 'sum by (warehouse) (shard_warehouse:citycloud_warehouse_replica_up:sum) / sum by (warehouse) (shard_warehouse:citycloud_warehouse_replica_up:count)',
      },
    },
    {
      // the share of the warehouse's data volumes in use (the capacity review reads it)
      record: VOLUME_USED,
      expr: `${used} / ${size}`,
      sharded: {
        partials: [
          { record: `shard_warehouse:${WAREHOUSE_VOLUME_USED}:sum`, expr: used },
          { record: VOLUME_CAPACITY_PARTIAL, expr: size },
        ],
        expr: `sum by (warehouse) (shard_warehouse:${WAREHOUSE_VOLUME_USED}:sum) / sum by (warehouse) (${VOLUME_CAPACITY_PARTIAL})`,
      },
    },
    ...model.warehouses.flatMap((w) =>
      (['cpu_utilisation:ratio_rate5m', 'memory_utilisation:ratio'] as const).map((m) => ({
        record: `warehouse:node_${m}`,
        expr: `pool:node_${m}{pool="${w.pool}"}`,
        labels: { warehouse: w.id },
      })),
    ),
  ];
  return { name: 'citycloud-warehouses', recording, alerts };
}
