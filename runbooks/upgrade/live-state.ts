/**
 * The live state the plan needs: which version each server runs, from Prometheus
 * (`citycloud_node_version`, written by the upgrade for node_exporter's textfile collector on the
 * real fleet, served by the simulator locally).
 */
import { type CityModel, serversInService, UserError } from '../../model/index.ts';
import { NODE_VERSION } from '../../monitoring/metrics/node-version.ts';
import { instantQuery } from '../engine/prometheus-query.ts';
import type { LiveState } from './upgrade-plan.ts';

/** The live state could not be read: the message names the URL and what to do. */
export class LiveStateError extends UserError {
  /** Exit 2: the live state cannot be read. */
  readonly exitCode = 2;
}

/**
 * What a plan may assume instead of asking Prometheus, to review an upgrade without the fleet's
 * monitoring: `unknown` (no server's version known: every one planned, its version read before
 * its steps when the run executes) or `old` (every server taken to run an older version).
 */
export const ASSUMED_VERSIONS = ['unknown', 'old'] as const;
export type AssumedVersions = (typeof ASSUMED_VERSIONS)[number];

/** The live state assumed: no version known, or every server in service on an older one. */
export function assumedVersions(model: CityModel, assume: AssumedVersions): LiveState {
  if (assume === 'unknown') return { versions: new Map() };
  return { versions: new Map(serversInService(model).map((s) => [s.name, OLDER])) };
}

/** The version an `old` assumption gives every server: no real version is this. */
const OLDER = '(assumed older)';

export async function liveVersions(prometheus: string, target: string): Promise<LiveState> {
  const query = `${NODE_VERSION} == 1`;
  const answer = await instantQuery(prometheus, query);
  if (!answer.answered)
    throw new LiveStateError(
      `cannot read which servers already run ${target}: ${answer.problem}; start the local one with citycloud monitor up, or pass --prometheus URL`,
    );
  const versions = new Map<string, string>();
  for (const s of answer.samples) {
    const { instance, version } = s.labels;
    if (!instance || !version) continue;
    // mid-change a server may show two versions for a scrape: the target counts only when it is the one
    if (!versions.has(instance) || version !== target) versions.set(instance, version);
  }
  return { versions };
}
