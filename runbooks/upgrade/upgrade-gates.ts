/**
 * The health gates between waves, in PromQL over the same recording rules and series the alerts
 * use, so they mean the same on the real fleet and on the simulator:
 *
 * - wave-back: every server of the wave answers its scrape and runs the target version; a server
 *   not seen so whose last scrape is older than the wave's end (when every server of it was back)
 *   is not yet seen — inconclusive, a reading to wait for — not failed;
 * - fleet-up: no other server is down (a fault elsewhere stops the run, too);
 * - critical-alerts: no critical alert is firing;
 * - error-budget-burn: each tier's public services burn their error budget below the paging
 *   rate (14.4×, the fast-burn page of the SLO alerts);
 * - pool-cpu / pool-memory: every pool under its headroom, (N − k)/N.
 *
 * A gate is passed, failed, or inconclusive when it cannot be answered (Prometheus down, a query
 * error, no value where one is needed). An inconclusive gate never passes.
 */
import { type CityModel, poolHeadrooms, serversInService } from '../../model/index.ts';
import { SCRAPED_AT } from '../../monitoring/rules/shard-split.ts';
import { instantQuery, type Sample } from '../engine/prometheus-query.ts';
import type { GateOutcome } from '../engine/runbook.ts';
import type { PoolPlan, UpgradePlan, UpgradeWave, WaveServer } from './upgrade-plan.ts';

export type { GateOutcome } from '../engine/runbook.ts';

interface Gate {
  readonly gate: string;
  readonly query: string;
  /** A second query the judgement needs (its samples are the judge's second argument). */
  readonly also?: string;
  judge(samples: readonly Sample[], also: readonly Sample[]): Omit<GateOutcome, 'gate' | 'query'>;
}

/** The page threshold of the fast-burn SLO alert (monitoring/rules/slo-rules.ts). */
export const PAGE_BURN_RATE = 14.4;

const regexOf = (names: readonly string[]) =>
  names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
const list = (names: readonly string[], most = 5) =>
  names.length <= most
    ? names.join(', ')
    : `${names.slice(0, most).join(', ')} and ${names.length - most} more`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What the gates judge a wave by: the version it brings (none: back is up), the pools' limits. */
interface GatedRun {
  readonly version?: string;
  readonly pools: readonly Pick<PoolPlan, 'pool' | 'servers' | 'limit'>[];
}

function gatesFor(
  model: CityModel,
  run: GatedRun,
  servers: readonly WaveServer[],
  failed: ReadonlySet<string>,
  since: number,
): Gate[] {
  const names = servers.map((s) => s.server);
  // the wave's servers come back in wave-back; servers that failed are counted by --max-failures
  const known = new Set([...names, ...failed]);
  const inService = serversInService(model).map((s) => s.name);
  const target = run.version?.replace(/["\\]/g, '');
  const at = target === undefined ? 'up' : `up at ${target}`;
  const gates: Gate[] = [
    {
      gate: 'wave-back',
      query:
        target === undefined
          ? `up{job="node",instance=~"${regexOf(names)}"} == 1`
          : `(up{job="node",instance=~"${regexOf(names)}"} == 1) and on(instance) (citycloud_node_version{version="${target}"} == 1)`,
      // when each of the wave's servers was last scraped: as its shard recorded it, or (a single
      // Prometheus) its reading's own time
      also: `max by (instance) (${SCRAPED_AT}{instance=~"${regexOf(names)}"}) or max by (instance) (timestamp(up{job="node",instance=~"${regexOf(names)}"}))`,
      judge: (samples, scraped) => {
        const back = new Set(samples.map((s) => s.labels.instance));
        const missing = names.filter((n) => !back.has(n));
        const lastScrape = new Map(scraped.map((s) => [s.labels.instance as string, s.value]));
        // a reading taken before the server was back says nothing of it now
        const notYet = missing.filter((n) => !((lastScrape.get(n) ?? Number.NEGATIVE_INFINITY) >= since));
        const notBack = missing.filter((n) => !notYet.includes(n));
        const value = `${back.size}/${names.length}`;
        if (notBack.length > 0)
          return {
            result: 'failed',
            value,
            reason: `${notBack.length} of the wave's servers are not ${at}, scraped since they came back: ${list(notBack)}`,
          };
        if (notYet.length > 0)
          return {
            result: 'inconclusive',
            value,
            reason: `${notYet.length} of the wave's servers have not been scraped since they came back (${list(notYet)}); waiting for a reading`,
          };
        return { result: 'passed', value, reason: `every server of the wave is ${at}` };
      },
    },
    {
      gate: 'fleet-up',
      query: 'up{job="node"} == 0',
      // which servers have a reading at all: one without (a target not scraped yet, or a shard
      // the global cannot read) is not known to be up
      also: 'group by (instance) (up{job="node"})',
      judge: (samples, seen) => {
        const down = samples
          .map((s) => s.labels.instance as string)
          .filter((n) => !known.has(n))
          .sort();
        if (down.length > 0)
          return {
            result: 'failed',
            value: String(down.length),
            reason: `${down.length} server(s) outside the wave are down: ${list(down)}`,
          };
        const read = new Set(seen.map((s) => s.labels.instance));
        const unread = inService.filter((n) => !known.has(n) && !read.has(n));
        return unread.length === 0
          ? { result: 'passed', value: '0', reason: 'no other server is down' }
          : {
              result: 'inconclusive',
              value: `${unread.length} unread`,
              reason: `${unread.length} server(s) outside the wave have no reading (${list(unread)}); waiting for one`,
            };
      },
    },
    {
      gate: 'critical-alerts',
      query: 'ALERTS{alertstate="firing",severity="critical"}',
      judge: (samples) => {
        const firing = samples.map((s) => {
          const { alertname, ...rest } = s.labels;
          const what = rest.instance ?? rest.pool ?? rest.warehouse ?? rest.service ?? rest.district ?? '';
          return `${alertname}${what ? `(${what})` : ''}`;
        });
        return firing.length === 0
          ? { result: 'passed', value: '0', reason: 'no critical alert is firing' }
          : {
              result: 'failed',
              value: String(firing.length),
              reason: `critical alerts firing: ${list(firing.sort())}`,
            };
      },
    },
  ];
  if (model.serviceTiers.length > 0 && model.publicServices.length > 0) {
    const tiers = model.serviceTiers.filter((t) => model.publicServices.some((s) => s.tier === t.id));
    const budget = new Map(tiers.map((t) => [String(t.id), 1 - t.availability]));
    gates.push({
      gate: 'error-budget-burn',
      query: tiers
        .map(
          (t) =>
            `max by (tier) (service:citycloud_service_errors:ratio_rate5m{tier="${t.id}"}) / ${Number((1 - t.availability).toPrecision(6))}`,
        )
        .join(' or '),
      judge: (samples) => {
        const burn = new Map(samples.map((s) => [s.labels.tier as string, s.value]));
        const missing = [...budget.keys()].filter((t) => !Number.isFinite(burn.get(t)));
        if (missing.length > 0)
          return {
            result: 'inconclusive',
            value: 'no value',
            reason: `no error ratio for tier(s) ${list(missing)}: the recording rule has no data yet`,
          };
        const worst = [...burn].sort((a, b) => b[1] - a[1])[0] as [string, number];
        const over = [...burn]
          .filter(([, v]) => v >= PAGE_BURN_RATE)
          .map(([t, v]) => `tier ${t} at ${v.toFixed(1)}×`);
        return over.length === 0
          ? {
              result: 'passed',
              value: `${worst[1].toFixed(2)}×`,
              reason: `every tier burns its budget below ${PAGE_BURN_RATE}× (worst: tier ${worst[0]})`,
            }
          : {
              result: 'failed',
              value: over.join(', '),
              reason: `over the paging burn rate ${PAGE_BURN_RATE}×: ${over.join(', ')}`,
            };
      },
    });
  }
  const watched = run.pools.filter((p) => p.servers >= 2 && p.limit > 0);
  for (const [gate, record] of [
    ['pool-cpu', 'pool:node_cpu_utilisation:ratio_rate5m'],
    ['pool-memory', 'pool:node_memory_utilisation:ratio'],
  ] as const)
    gates.push({
      gate,
      query: record,
      judge: (samples) => {
        const value = new Map(samples.map((s) => [s.labels.pool as string, s.value]));
        const missing = watched.filter((p) => !Number.isFinite(value.get(p.pool))).map((p) => p.pool);
        if (missing.length > 0)
          return {
            result: 'inconclusive',
            value: 'no value',
            reason: `no ${record} for pool(s) ${list(missing)}`,
          };
        const over = watched
          .filter((p) => (value.get(p.pool) as number) > p.limit)
          .map((p) => `${p.pool} at ${pct(value.get(p.pool) as number)} (limit ${pct(p.limit)})`);
        const busiest = watched
          .map((p) => ({ p: p.pool, margin: p.limit - (value.get(p.pool) as number) }))
          .sort((a, b) => a.margin - b.margin)[0];
        return over.length === 0
          ? {
              result: 'passed',
              value: busiest ? `${busiest.p} ${pct(value.get(busiest.p) as number)}` : '-',
              reason: 'every pool is under its headroom (N − k)/N',
            }
          : { result: 'failed', value: over.join(', '), reason: `pools over their headroom: ${list(over)}` };
      },
    });
  return gates;
}

/** Evaluates gates once, side by side. */
async function evaluate(prometheus: string, gates: readonly Gate[]): Promise<GateOutcome[]> {
  return Promise.all(
    gates.map(async (g) => {
      const [answer, also] = await Promise.all([
        instantQuery(prometheus, g.query),
        g.also ? instantQuery(prometheus, g.also) : Promise.resolve({ answered: true as const, samples: [] }),
      ]);
      const unanswered = !answer.answered ? answer : !also.answered ? also : null;
      if (unanswered && !unanswered.answered)
        return {
          gate: g.gate,
          query: g.query,
          result: 'inconclusive' as const,
          value: 'no answer',
          reason: unanswered.problem,
        };
      const judged = g.judge(answer.answered ? answer.samples : [], also.answered ? also.samples : []);
      // answered, but without the reading the judgement waits for (a scrape, a rule's first value)
      return {
        gate: g.gate,
        query: g.query,
        ...judged,
        ...(judged.result === 'inconclusive' ? { awaitingReading: true } : {}),
      };
    }),
  );
}

/** The upgrade's gates after a wave, each evaluated once, side by side. */
export function evaluateGates(
  prometheus: string,
  model: CityModel,
  plan: UpgradePlan,
  wave: UpgradeWave,
  failed: ReadonlySet<string> = new Set(),
  /** When the wave's servers were all back (Unix seconds): readings older say nothing of them. */
  since = Number.NEGATIVE_INFINITY,
): Promise<GateOutcome[]> {
  return evaluate(
    prometheus,
    gatesFor(model, { version: plan.target, pools: plan.pools }, wave.servers, failed, since),
  );
}

/**
 * The gates a runbook names, after a wave of `servers` (none when its targets are not servers:
 * `wave-back` then has nothing to judge and is left out), with every pool in service watched.
 */
export function evaluateNamedGates(
  prometheus: string,
  model: CityModel,
  names: readonly string[],
  servers: readonly WaveServer[],
  failed: ReadonlySet<string>,
  since: number,
): Promise<GateOutcome[]> {
  const built = new Set(serversInService(model).map((s) => s.pool));
  const pools = [...poolHeadrooms(model)]
    .filter(([pool]) => built.has(pool))
    .map(([pool, h]) => ({ pool, servers: h.servers, limit: h.limit }));
  const chosen = gatesFor(model, { pools }, servers, failed, since).filter(
    (g) => names.includes(g.gate) && (g.gate !== 'wave-back' || servers.length > 0),
  );
  return evaluate(prometheus, chosen);
}
