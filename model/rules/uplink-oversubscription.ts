/**
 * The peak demand behind a primary uplink — the site's own and that of every site whose primary
 * path runs through it — fits the uplink's capacity times network.maxOversubscription.
 */
import type { CityModel } from '../types.ts';
import { primaryUplinkDemands } from '../uplink-demand.ts';
import { fmt, type RuleResult, resultOf, type Violation } from './rule.ts';

export function uplinkOversubscription(model: CityModel): RuleResult {
  const { maxOversubscription } = model.network;
  const demands = primaryUplinkDemands(model);
  const v: Violation[] = [];
  for (const { point, uplink, demandMbps: demand } of demands) {
    const ratio = demand / uplink.mbps;
    if (ratio > maxOversubscription)
      v.push({
        path: uplink.path,
        field: 'mbps',
        message: `${fmt(demand)} Mbps of peak demand sits behind ${point}'s ${fmt(uplink.mbps)} Mbps primary uplink to ${uplink.to} (${ratio.toFixed(2)}×)`,
        expected: `at most ${maxOversubscription}× its capacity (network.maxOversubscription): a faster uplink, or fewer sites behind it`,
      });
  }
  return resultOf(demands.length > 0, v);
}
