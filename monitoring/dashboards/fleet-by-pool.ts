/**
 * The fleet by pool: each pool's CPU and memory utilisation (the recording rules the headroom
 * alerts read), drawn against the pool's (N − k)/N limit from the model, and as a share of it.
 */
import { type CityModel, poolHeadrooms } from '../../model/index.ts';
import { cityTitle, type DashboardSpec, modelSeries, type PanelSpec } from './grafana.ts';

const RESOURCES = [
  { name: 'CPU', record: 'pool:node_cpu_utilisation:ratio_rate5m' },
  { name: 'Memory', record: 'pool:node_memory_utilisation:ratio' },
] as const;

export function fleetByPool(model: CityModel): DashboardSpec {
  const headrooms = poolHeadrooms(model);
  const pools = model.pools.filter((p) => (headrooms.get(p.id)?.servers ?? 0) > 0);
  // as the alerts: a pool of one server, or one whose spare is all of it, has no limit to draw
  const limits = modelSeries(
    'pool',
    pools.flatMap((p) => {
      const h = headrooms.get(p.id);
      return h && h.servers >= 2 && h.spare < h.servers ? [[p.id, h.limit] as const] : [];
    }),
  );
  const panels: PanelSpec[] = RESOURCES.flatMap(({ name, record }) => {
    const measured = `${record}{pool=~"$pool"}`;
    return [
      {
        title: `${name} utilisation by pool`,
        description: `\`${record}\`, busy over total summed over the pool’s servers, and dashed the pool’s limit (N − k)/N: the share it may use while keeping k servers spare (its largest rack, its upgrade wave, at least one server).`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        targets: [
          { expr: measured, legend: '{{pool}}' },
          { expr: `(${limits}) and on (pool) ${measured}`, legend: '{{pool}} limit (N − k)/N' },
        ],
        limitTargets: [1],
      },
      {
        title: `${name} utilisation as a share of the pool’s limit`,
        description: `\`${record}\` over the pool’s (N − k)/N: over 100%, Pool${name === 'CPU' ? 'Cpu' : name}OverHeadroom fires after 30 minutes.`,
        unit: 'percentunit',
        min: 0,
        thresholds: [
          { value: 0.9, color: 'orange' },
          { value: 1, color: 'red' },
        ],
        targets: [{ expr: `${measured} / on (pool) (${limits})`, legend: '{{pool}}' }],
      },
    ];
  });
  return {
    uid: 'citycloud-fleet-pools',
    title: cityTitle(model.city, 'fleet by pool'),
    description: 'CPU and memory utilisation of each server pool in service, against its (N − k)/N headroom.',
    tags: ['citycloud', 'fleet'],
    variables: [{ name: 'pool', label: 'Pool', options: pools.map((p) => ({ text: p.name, value: p.id })) }],
    panels,
  };
}
