/**
 * alertmanager.yml: pages for critical alerts, then routing by owner — the district of a point,
 * the agency of a service — and inhibition: a district isolated silences its points' alerts, and
 * a critical alert silences the warning of the same alert on the same object. Receivers are named
 * here; a deployment gives them their integrations (webhook, e-mail, chat).
 */
import type { CityModel } from '../model/index.ts';

export const PAGER = 'ops-pager';
export const QUEUE = 'ops-queue';
export const districtReceiver = (id: string) => `district-${id}`;
export const agencyReceiver = (id: string) => `agency-${id}`;

export function alertmanagerConfig(model: CityModel): object {
  const districts = model.network.points.filter((p) => p.level === 'district').map((p) => p.id);
  const agencies = model.agencies.map((a) => a.id);
  return {
    route: {
      receiver: QUEUE,
      group_by: ['alertname', 'district', 'agency', 'pool', 'warehouse'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        // critical alerts page, and still reach their owner below
        { receiver: PAGER, matchers: ['severity="critical"'], continue: true },
        {
          receiver: QUEUE,
          matchers: ['district=~".+"'],
          routes: districts.map((d) => ({ receiver: districtReceiver(d), matchers: [`district="${d}"`] })),
        },
        {
          receiver: QUEUE,
          matchers: ['agency=~".+"'],
          routes: agencies.map((a) => ({ receiver: agencyReceiver(a), matchers: [`agency="${a}"`] })),
        },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['alertname="DistrictIsolated"'],
        target_matchers: ['alertname="ConnectionPointDown"'],
        equal: ['district'],
      },
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'instance'],
      },
    ],
    receivers: [PAGER, QUEUE, ...districts.map(districtReceiver), ...agencies.map(agencyReceiver)].map(
      (name) => ({ name }),
    ),
  };
}
