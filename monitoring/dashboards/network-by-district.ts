/**
 * The dedicated network by district: the share of its connection points answering their probe
 * (the records DistrictIsolated reads), how long probes take, and the district hub's primary
 * uplink against its capacity from the inventory (monitoring/rules/network-rules.ts).
 */
import { type CityModel, primaryUplinkDemands } from '../../model/index.ts';
import { PROBE_DURATION } from '../metrics/blackbox.ts';
import { UPLINK_BITS } from '../rules/network-rules.ts';
import { cityTitle, type DashboardSpec, modelSeries } from './grafana.ts';

const SHARDED_NOTE =
  ' It reads raw blackbox_exporter series: with `monitoring.shards`, pick a shard’s Prometheus as the datasource (the global keeps only records).';

export function networkByDistrict(model: CityModel): DashboardSpec {
  const districts = model.network.points.filter((p) => p.level === 'district');
  const isDistrict = new Set(districts.map((d) => d.id));
  const capacities = modelSeries(
    'district',
    primaryUplinkDemands(model)
      .filter((d) => isDistrict.has(d.point))
      .map((d) => [d.point, d.uplink.mbps * 1e6] as const),
  );
  const isolated = model.monitoring.districtIsolatedRatio;
  const uplink = `${UPLINK_BITS}{district=~"$district"}`;
  const probes = `{job="blackbox-icmp",district=~"$district"}`;
  return {
    uid: 'citycloud-network-districts',
    title: cityTitle(model.city, 'network by district'),
    description: 'Connection points answering their probes, probe latency and uplink use, per district.',
    tags: ['citycloud', 'network'],
    variables: [
      { name: 'district', label: 'District', options: districts.map((d) => ({ text: d.name, value: d.id })) },
    ],
    panels: [
      {
        title: 'Probe success by district',
        description: `The share of each district’s connection points answering ICMP (\`district:probe_failed:count\` over \`district:probes:count\`); under ${Math.round((1 - isolated) * 100)}%, DistrictIsolated pages.`,
        unit: 'percentunit',
        min: 0,
        max: 1,
        baseColor: 'red',
        thresholds: [{ value: 1 - isolated, color: 'green' }],
        targets: [
          {
            expr: `1 - district:probe_failed:count{district=~"$district"} / district:probes:count{district=~"$district"}`,
            legend: '{{district}}',
          },
        ],
      },
      {
        title: 'Points down by district',
        description: 'Connection points of each district not answering their probe.',
        unit: 'short',
        min: 0,
        targets: [{ expr: 'district:probe_failed:count{district=~"$district"}', legend: '{{district}}' }],
      },
      {
        title: 'Probe latency by district',
        description: `How long the ICMP probes of each district’s points take: the mean and the slowest point.${SHARDED_NOTE}`,
        unit: 's',
        min: 0,
        targets: [
          { expr: `avg by (district) (${PROBE_DURATION}${probes})`, legend: '{{district}} mean' },
          { expr: `max by (district) (${PROBE_DURATION}${probes})`, legend: '{{district}} slowest' },
        ],
      },
      {
        title: 'Uplink utilisation by district',
        description: `Each district hub’s primary uplink, the busier direction (\`${UPLINK_BITS}\`), over the link’s capacity in the inventory; the capacity review sets it against ${model.network.maxOversubscription}× that (\`network.maxOversubscription\`).`,
        unit: 'percentunit',
        min: 0,
        thresholds: [{ value: model.network.maxOversubscription, color: 'red' }],
        targets: [
          {
            expr: `${uplink} / on (district) group_left () (${capacities})`,
            legend: '{{district}} {{link}}',
          },
        ],
      },
      {
        title: 'Uplink traffic by district',
        description: `Bits a second on each district hub’s primary uplink, and dashed the link’s capacity.`,
        unit: 'bps',
        min: 0,
        width: 24,
        targets: [
          { expr: uplink, legend: '{{district}} {{link}}' },
          { expr: `(${capacities}) and on (district) ${uplink}`, legend: '{{district}} capacity' },
        ],
        limitTargets: [1],
      },
    ],
  };
}
