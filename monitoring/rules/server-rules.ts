/**
 * Servers: down (paging for critical pools) and pool utilisation over the
 * headroom the inventory plans for — a pool of N servers keeps k spare (its largest rack, its
 * upgrade wave, at least one server; model/pool-headroom.ts), so it may run (N − k)/N busy.
 */
import { type CityModel, type Criticality, poolHeadrooms, spareExplained } from '../../model/index.ts';
import { NODE_CPU_SECONDS } from '../metrics/node-cpu.ts';
import { NODE_MEMORY_AVAILABLE, NODE_MEMORY_TOTAL } from '../metrics/node-memory.ts';
import { type AlertSpec, alertRule, promLiteral, type RecordingRule, type Severity } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

/** An alert's severity from its pool's criticality: critical pages, high queues, normal informs. */
export const SEVERITY: Record<Criticality, Severity> = {
  critical: 'critical',
  high: 'warning',
  normal: 'info',
};
const GIB = 1024 ** 3;

export function serverRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  // busy as node-mixin counts it: every mode but idle, and iowait and steal, which are waiting
  // (for a disk, for the hypervisor), not work
  const busy = `sum by (pool) (rate(${NODE_CPU_SECONDS}{job="node",mode!~"idle|iowait|steal"}[5m]))`;
  const cpu = `sum by (pool) (rate(${NODE_CPU_SECONDS}{job="node"}[5m]))`;
  const available = `sum by (pool) (${NODE_MEMORY_AVAILABLE}{job="node"})`;
  const memory = `sum by (pool) (${NODE_MEMORY_TOTAL}{job="node"})`;
  const recording: RecordingRule[] = [
    {
      record: 'pool:node_cpu_utilisation:ratio_rate5m',
      // sum the busy and the total seconds of the pool before dividing, so big servers weigh more
      expr: `${busy} / ${cpu}`,
      sharded: {
        partials: [
          { record: 'shard_pool:node_cpu_seconds_busy:sum_rate5m', expr: busy },
          { record: 'shard_pool:node_cpu_seconds:sum_rate5m', expr: cpu },
        ],
        expr: 'sum by (pool) (shard_pool:node_cpu_seconds_busy:sum_rate5m) / sum by (pool) (shard_pool:node_cpu_seconds:sum_rate5m)',
      },
    },
    {
      record: 'pool:node_memory_utilisation:ratio',
      expr: `1 - ${available} / ${memory}`,
      sharded: {
        partials: [
          { record: 'shard_pool:node_memory_MemAvailable_bytes:sum', expr: available },
          { record: 'shard_pool:node_memory_MemTotal_bytes:sum', expr: memory },
        ],
        expr: '1 - sum by (pool) (shard_pool:node_memory_MemAvailable_bytes:sum) / sum by (pool) (shard_pool:node_memory_MemTotal_bytes:sum)',
      },
    },
  ];
  const alerts: AlertSpec[] = (['critical', 'high', 'normal'] as const).map((criticality) =>
    alertRule(
      {
        alert: 'ServerDown',
        expr: `up{job="node",criticality="${criticality}"} == 0`,
        for: '5m',
        severity: SEVERITY[criticality],
        summary: `A server of a ${criticality} pool is not answering its scrape.`,
        description:
          'Server {{ $labels.instance }} (pool {{ $labels.pool }}, rack {{ $labels.rack }}) has been down for 5 minutes.',
        scenario: {
          series: [
            {
              series: `up{job="node",instance="s1",pool="p1",rack="k1",criticality="${criticality}"}`,
              values: '1 1 0x30',
            },
          ],
          activeFromMinute: 2,
          firingLabels: { instance: 's1', pool: 'p1', rack: 'k1', criticality, job: 'node' },
        },
        perTarget: true,
      },
      base,
    ),
  );
  // a pool of N servers keeping k spare may run at most (N − k)/N busy
  const headrooms = poolHeadrooms(model);
  for (const pool of model.pools) {
    const h = headrooms.get(pool.id);
    // a pool of one server, or one whose spare is all of it, has no share to watch
    if (!h || h.servers < 2 || h.spare >= h.servers) continue;
    // rounded down, so the alert never waits past the limit
    const limit = Math.floor(h.limit * 10_000) / 10_000;
    for (const [resource, record] of [
      ['Cpu', 'pool:node_cpu_utilisation:ratio_rate5m'],
      ['Memory', 'pool:node_memory_utilisation:ratio'],
    ] as const) {
      const series =
        resource === 'Cpu'
          ? [
              // one CPU, busy 100% of the time from minute 0
              {
                series: `${NODE_CPU_SECONDS}{job="node",instance="s1",pool="${pool.id}",cpu="0",mode="idle"}`,
                values: '0x60',
              },
              {
                series: `${NODE_CPU_SECONDS}{job="node",instance="s1",pool="${pool.id}",cpu="0",mode="user"}`,
                values: '0+60x60',
              },
            ]
          : [
              {
                series: `${NODE_MEMORY_TOTAL}{job="node",instance="s1",pool="${pool.id}"}`,
                values: `${64 * GIB}x60`,
              },
              {
                series: `${NODE_MEMORY_AVAILABLE}{job="node",instance="s1",pool="${pool.id}"}`,
                values: '0x60',
              },
            ];
      alerts.push(
        alertRule(
          {
            alert: `Pool${resource}OverHeadroom`,
            expr: `${record}{pool="${pool.id}"} > ${limit}`,
            for: '30m',
            severity: pool.criticality === 'critical' ? 'critical' : 'warning',
            summary: `A pool uses more ${resource === 'Cpu' ? 'CPU' : 'memory'} than it can while keeping its spare servers free.`,
            description: `Pool {{ $labels.pool }} (${promLiteral(pool.name)}) is over ${(limit * 100).toFixed(1)}% busy, (N − k)/N: it ${promLiteral(spareExplained(h))}, and a rack lost or an upgrade wave out would leave its load nowhere to go.`,
            labels: { pool: pool.id },
            scenario: { series, activeFromMinute: 1, firingLabels: { pool: pool.id }, slackMinutes: 2 },
          },
          base,
        ),
      );
    }
  }
  return { name: 'citycloud-servers', recording, alerts };
}
