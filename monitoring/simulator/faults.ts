/** Faults the simulator can be told to show: what they are and how they are checked. */
import type { CityModel } from '../../model/index.ts';

export const FAULT_KINDS = ['server-down', 'disk-filling', 'link-down', 'district-isolated'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  readonly id: string;
  readonly kind: FaultKind;
  /** A server name (server-down, disk-filling), a point id (link-down), a district id. */
  readonly target: string;
  /** When it started, unix seconds. */
  readonly since: number;
  /** For disk-filling: how long the disk takes to fill, seconds. */
  readonly fillSeconds?: number;
}

/** Checks a fault request against the model; returns the problem, or null when it is fine. */
export function faultProblem(model: CityModel, kind: unknown, target: unknown): string | null {
  if (!FAULT_KINDS.includes(kind as FaultKind))
    return `kind must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(kind)}`;
  if (typeof target !== 'string' || target === '') return 'target must be the name or id of what fails';
  const exists =
    kind === 'server-down' || kind === 'disk-filling'
      ? model.servers.some((s) => s.name === target)
      : kind === 'link-down'
        ? model.network.points.some((p) => p.id === target)
        : model.network.points.some((p) => p.level === 'district' && p.id === target);
  return exists
    ? null
    : `no ${kind === 'district-isolated' ? 'district' : kind === 'link-down' ? 'connection point' : 'server'} "${target}" in the inventory`;
}
