/**
 * Connection points: one point down, and a district isolated — many of its points down at once,
 * which is one alert (and Alertmanager inhibits the district's point alerts), not forty.
 */
import type { CityModel } from '../../model/index.ts';
import { PROBE_SUCCESS } from '../metrics/blackbox.ts';
import { IF_IN_OCTETS, IF_OUT_OCTETS, PRIMARY_UPLINK_ALIAS } from '../metrics/if-octets.ts';

/** Bits a second on each district hub's primary uplink, the busier direction. */
export const UPLINK_BITS = 'district:uplink_bits:rate5m';

import { alertRule } from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';

export function networkRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const ratio = model.monitoring.districtIsolatedRatio;
  const probe = (point: string, district: string, values: string) => ({
    series: `${PROBE_SUCCESS}{job="blackbox-icmp",point="${point}",point_name="Ward ${point}",district="${district}"}`,
    values,
  });
  const probes = `count by (district) (${PROBE_SUCCESS}{job="blackbox-icmp",district!=""})`;
  const failed = `count by (district) (${PROBE_SUCCESS}{job="blackbox-icmp",district!=""} == 0)`;
  // each direction's rate told apart by a label before the max: rate() drops the metric name, and
  // the two directions' rates would otherwise be one label set twice, an evaluation error
  const direction = (metric: string, dir: string) =>
    `label_replace(rate(${metric}{job="snmp-uplinks",ifAlias="${PRIMARY_UPLINK_ALIAS}"}[5m]), "direction", "${dir}", "", "")`;
  const uplink = `8 * max by (district, link) (${direction(IF_IN_OCTETS, 'in')} or ${direction(IF_OUT_OCTETS, 'out')})`;
  return {
    name: 'citycloud-network',
    recording: [
      {
        // every probe of the district, up or down (the failed ones are the next record)
        record: 'district:probes:count',
        expr: probes,
        sharded: {
          partials: [{ record: 'shard_district:probes:count', expr: probes }],
          expr: 'sum by (district) (shard_district:probes:count)',
        },
      },
      {
        record: 'district:probe_failed:count',
        expr: `${failed} or (district:probes:count * 0)`,
        sharded: {
          partials: [
            {
              record: 'shard_district:probe_failed:count',
              expr: `${failed} or (shard_district:probes:count * 0)`,
            },
          ],
          expr: 'sum by (district) (shard_district:probe_failed:count)',
        },
      },
      {
        // the busier direction of each district hub's primary uplink, bits a second (what the
        // capacity review sets against the link's capacity)
        record: UPLINK_BITS,
        expr: uplink,
        sharded: {
          partials: [{ record: `shard_${UPLINK_BITS}`, expr: uplink }],
          expr: `max by (district, link) (shard_${UPLINK_BITS})`,
        },
      },
    ],
    alerts: [
      alertRule(
        {
          alert: 'ConnectionPointDown',
          expr: `${PROBE_SUCCESS}{job="blackbox-icmp"} == 0`,
          for: '5m',
          severity: 'warning',
          summary: 'A connection point of the dedicated network does not answer its probe.',
          description:
            'Point {{ $labels.point }} ({{ $labels.point_name }}, district {{ $labels.district }}) has not answered ICMP for 5 minutes.',
          scenario: {
            series: [probe('w1', 'd1', '1 1 0x20')],
            activeFromMinute: 2,
            firingLabels: { job: 'blackbox-icmp', point: 'w1', point_name: 'Ward w1', district: 'd1' },
          },
          perTarget: true,
        },
        base,
      ),
      alertRule(
        {
          alert: 'DistrictIsolated',
          // the ratio of a district's points down; recorded counts keep the expression cheap
          expr: `district:probe_failed:count / district:probes:count > ${ratio}`,
          for: '2m',
          severity: 'critical',
          summary: 'Many points of one district are down at once: the district is cut off.',
          description: `Over ${ratio * 100}% of the points of district {{ $labels.district }} are down: look at its hub and uplinks first.`,
          scenario: {
            series: [
              probe('w1', 'd1', '1 1 0x20'),
              probe('w2', 'd1', '1 1 0x20'),
              probe('w3', 'd1', '1 1 0x20'),
              probe('w4', 'd1', '1x22'),
              probe('w5', 'd2', '1x22'),
            ],
            activeFromMinute: 2,
            firingLabels: { district: 'd1' },
          },
        },
        base,
      ),
    ],
  };
}
