/**
 * out/network/blackbox-targets.json: Prometheus file_sd target groups for blackbox_exporter, one
 * per connection point, probing its loopback (over IPv4: the module says so, since blackbox's ICMP
 * prefers IPv6). The labels name the point so alerts can, and route by district and agency.
 */
import type { CityModel } from '../model/index.ts';
import { toDiffableJson } from '../view/diffable-json.ts';
import type { Artifact } from '../view/view.ts';
import { networkTable } from './network-table.ts';

export interface PointTargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** One group per point with a loopback; a district hub counts in its own district. */
export function pointTargetGroups(model: CityModel): PointTargetGroup[] {
  return networkTable(model).sites.flatMap((s) =>
    s.loopback
      ? [
          {
            targets: [s.loopback.replace('/32', '')],
            labels: {
              point: s.point.id,
              point_name: s.point.name,
              level: s.point.level,
              district: s.point.level === 'district' ? s.point.id : (s.point.district ?? ''),
              agency: s.point.agency ?? '',
              module: 'icmp_ipv4',
            },
          },
        ]
      : [],
  );
}

export function blackboxTargets(model: CityModel): Artifact {
  // one group per line, so an added point adds a line
  return { path: 'network/blackbox-targets.json', content: toDiffableJson(pointTargetGroups(model)) };
}
