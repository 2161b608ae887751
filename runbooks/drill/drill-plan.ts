/**
 * A restore drill's plan (journaled as approved; a resume binds to it again, its shards checked
 * against the inventory as it is then), its targets, and the records each step leaves.
 */
import { type BackupPromise, type CityModel, warehouseShardName } from '../../model/index.ts';
import type { Target } from '../engine/runbook.ts';
import type {
  DrillShard,
  RecoveryPointReading,
  RestoredCopy,
  RestoreTarget,
  SourceMark,
} from './drill-executor.ts';

export const DRILL_PLAN_FORMAT = 'citycloud-drill-plan/v1';

/** A drill's plan, journaled: when it began (its id), where it restores to, the shards in turn. */
export interface DrillPlan {
  readonly format: typeof DRILL_PLAN_FORMAT;
  /** `20261205T160000Z`: names its restore points and its folder. */
  readonly drill: string;
  /** A point in time asked for (ISO 8601), or null: the drill's own restore point. */
  readonly to: string | null;
  readonly shards: readonly { readonly warehouse: string; readonly shard: string }[];
}

export interface DrillTarget extends Target {
  readonly shard: DrillShard;
  readonly promise: BackupPromise;
}

/** What checks a restored copy's pages or parts. */
export const checkOf = (t: Pick<DrillTarget, 'shard'>) =>
  t.shard.engine === 'clickhouse' ? 'CHECK TABLE' : 'pg_amcheck';

/** The drill's records of one shard. */
export interface DrillRecords {
  recoveryPoint?: RecoveryPointReading;
  mark?: SourceMark | { readonly skipped: string };
  restore?: { readonly startedAt: number; readonly target: RestoreTarget; readonly base?: string };
  recovered?: { readonly at: number; readonly problem: string | null };
  inspected?:
    | (RestoredCopy & {
        /** When the checks began and ended (unix s). */
        readonly startedAt?: number;
        readonly at: number;
        readonly differences: readonly string[];
      })
    | {
        readonly at: number;
        readonly skipped: string;
      };
}

/** The shards of a plan as the inventory says them now; a shard it does not have is refused. */
export function drillTargets(model: CityModel, plan: DrillPlan): DrillTarget[] {
  return plan.shards.map(({ warehouse, shard }) => {
    const w = model.warehouses.find((x) => x.id === warehouse);
    // the name exactly as the stacks give it, of a shard the warehouse has: a name from a
    // journal reaches folders and commands only once it is one
    const n = Number(/^[a-z0-9-]+-s(\d{2,5})$/.exec(shard)?.[1] ?? Number.NaN);
    if (!w || !(n >= 1 && n <= w.shards) || shard !== warehouseShardName(w.id, n))
      throw new Error(
        `shard ${JSON.stringify(shard).slice(0, 80)} of warehouse ${JSON.stringify(warehouse).slice(0, 40)} is not one the inventory has`,
      );
    return {
      id: shard,
      title: shard,
      shard: { warehouse: w.id, shard, engine: w.engine, namespace: w.id, drill: plan.drill },
      promise: w.backup,
    };
  });
}

/** An instant as a drill's id and a full backup's label name it: `20261205T160000Z` (UTC). */
export const compactUtc = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
