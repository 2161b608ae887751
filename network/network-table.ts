/** Every connection point and link with its addresses: the rows all network artifacts are made of. */
import { planAddresses } from '../model/address-plan.ts';
import type { CityModel, ConnectionPoint, Link } from '../model/index.ts';
import { memoByModel } from '../model/memo-by-model.ts';

export interface SiteRow {
  readonly point: ConnectionPoint;
  readonly block: string | null;
  readonly prefix: string | null;
  readonly gateway: string | null;
  /** `a.b.c.d/32`. */
  readonly loopback: string | null;
  readonly vlan: number | null;
}

export interface LinkRow {
  readonly link: Link;
  readonly prefix: string | null;
  readonly fromAddress: string | null;
  readonly toAddress: string | null;
}

export interface NetworkTable {
  readonly sites: readonly SiteRow[];
  readonly links: readonly LinkRow[];
  readonly blocks: readonly { id: string; name: string; prefix: string | null }[];
}

/** The rows, in the model's order (so an added site adds rows and moves none); once per model. */
export const networkTable = memoByModel(computeTable);

function computeTable(model: CityModel): NetworkTable {
  const plan = planAddresses(model);
  const siteOf = new Map(plan.sites.map((s) => [s.point, s]));
  const linkOf = new Map(plan.links.map((l) => [l.link, l]));
  return {
    sites: model.network.points.map((point) => {
      const s = siteOf.get(point.id);
      return {
        point,
        block: s?.block ?? null,
        prefix: s?.prefix ?? null,
        gateway: s?.gateway ?? null,
        loopback: s?.loopback ?? null,
        vlan: s?.vlan ?? null,
      };
    }),
    links: model.network.links.map((link) => {
      const l = linkOf.get(link.id);
      return {
        link,
        prefix: l?.prefix ?? null,
        fromAddress: l?.fromAddress ?? null,
        toAddress: l?.toAddress ?? null,
      };
    }),
    blocks: plan.blocks.map((b) => ({ id: b.id, name: b.name, prefix: b.prefix })),
  };
}
