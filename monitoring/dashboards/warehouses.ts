/**
 * Each warehouse: its replicas up, the worst shard's live replicas against its quorum, the use of
 * its data volumes, and the CPU and memory of its dedicated pool (monitoring/rules/warehouse-rules.ts).
 */
import type { CityModel } from '../../model/index.ts';
import { quorumOf, VOLUME_USED } from '../rules/warehouse-rules.ts';
import { cityTitle, type DashboardSpec, modelSeries } from './grafana.ts';

const LIVE = 'warehouse_shard:citycloud_warehouse_replica_up:sum{warehouse=~"$warehouse"}';

export function warehouses(model: CityModel): DashboardSpec {
  const quorums = modelSeries(
    'warehouse',
    model.warehouses.map((w) => [w.id, quorumOf(w.replicas)] as const),
  );
  return {
    uid: 'citycloud-warehouses',
    title: cityTitle(model.city, 'warehouses'),
    description: 'The big-data warehouses: replicas serving, quorums, data volumes and their pools.',
    tags: ['citycloud', 'warehouses'],
    variables: [
      {
        name: 'warehouse',
        label: 'Warehouse',
        options: model.warehouses.map((w) => ({ text: w.name, value: w.id })),
      },
    ],
    panels: [
      {
        title: 'Replicas up',
        description:
          'The share of each warehouse’s replicas serving their shard (`warehouse:citycloud_warehouse_replica_up:ratio`).',
        unit: 'percentunit',
        min: 0,
        max: 1,
        targets: [
          {
            expr: 'warehouse:citycloud_warehouse_replica_up:ratio{warehouse=~"$warehouse"}',
            legend: '{{warehouse}}',
          },
        ],
      },
      {
        title: 'Live replicas of the worst shard, against the quorum',
        description:
          'The fewest live replicas of any shard of each warehouse, and dashed its quorum (a majority of its replicas): below it, WarehouseQuorumAtRisk pages.',
        unit: 'short',
        min: 0,
        targets: [
          { expr: `min by (warehouse) (${LIVE})`, legend: '{{warehouse}} live' },
          {
            expr: `(${quorums}) and on (warehouse) count by (warehouse) (${LIVE})`,
            legend: '{{warehouse}} quorum',
          },
        ],
        limitTargets: [1],
      },
      {
        title: 'Shards below quorum',
        description: 'Shards of each warehouse with fewer live replicas than their quorum: any is a page.',
        kind: 'stat',
        unit: 'short',
        thresholds: [{ value: 1, color: 'red' }],
        targets: [
          {
            expr: `count by (warehouse) (${LIVE} < on (warehouse) group_left () (${quorums})) or on (warehouse) (0 * count by (warehouse) (${LIVE}))`,
            legend: '{{warehouse}}',
          },
        ],
      },
      {
        title: 'Volume use',
        description: `The used share of each warehouse’s data volumes (\`${VOLUME_USED}\`); the capacity review’s default threshold is 80%.`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: [{ value: 0.8, color: 'orange' }],
        targets: [{ expr: `${VOLUME_USED}{warehouse=~"$warehouse"}`, legend: '{{warehouse}}' }],
      },
      {
        title: 'CPU and memory of the warehouse’s pool',
        description: 'Utilisation of the dedicated pool each warehouse runs on.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        width: 24,
        targets: [
          {
            expr: 'warehouse:node_cpu_utilisation:ratio_rate5m{warehouse=~"$warehouse"}',
            legend: '{{warehouse}} CPU',
          },
          {
            expr: 'warehouse:node_memory_utilisation:ratio{warehouse=~"$warehouse"}',
            legend: '{{warehouse}} memory',
          },
        ],
      },
    ],
  };
}
