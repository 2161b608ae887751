/**
 * A shard's drill judged: the recovery point and time measured against the warehouse's
 * objectives, the restored copy's checks, and every problem in a phrase. This is the record an
 * auditor keeps (drill-report.ts gathers them; its JSON schema is docs/restore-drill.schema.json).
 */
import type { z } from 'zod';
import { checkOf, type DrillPlan, type DrillRecords, type DrillTarget } from './drill-plan.ts';
import type { drillShardResultSchema } from './report-schema.ts';

/** A shard's drill judged, as the report's schema says it. */
export type DrillShardResult = z.infer<typeof drillShardResultSchema>;

const round = (s: number) => Math.round(s * 10) / 10;

export function judge(t: DrillTarget, plan: DrillPlan, r: DrillRecords): DrillShardResult {
  const problems: string[] = [];
  const rp = r.recoveryPoint;
  const rpoObjective = t.promise.rpoMinutes * 60;
  const rtoObjective = t.promise.rtoMinutes * 60;
  // what a loss now would take: every commit since the oldest one the archive does not hold
  const rpMeasured =
    rp === undefined
      ? null
      : rp.oldestUnarchivedCommit === null
        ? 0
        : round(Math.max(0, rp.at - rp.oldestUnarchivedCommit));
  const rpMet = rpMeasured !== null && rpMeasured <= rpoObjective;
  if (rpMeasured === null) problems.push('the recovery point was not measured');
  else if (!rpMet)
    problems.push(
      `recovery point objective missed: ${t.shard.engine === 'clickhouse' ? 'the oldest part no backup holds was written' : 'the oldest transaction not archived was committed'} ${rpMeasured} s before the drill, the objective is ${rpoObjective} s`,
    );
  const mark = r.mark;
  if (mark && 'archived' in mark && !mark.archived && mark.archiveProblem)
    problems.push(
      t.shard.engine === 'clickhouse'
        ? `no backup the drill could trust to restore: ${mark.archiveProblem}`
        : `the drill's restore point never reached the archive: ${mark.archiveProblem}`,
    );
  const recovered = r.recovered;
  if (recovered?.problem) problems.push(recovered.problem);
  const inspected = r.inspected && 'corruption' in r.inspected ? r.inspected : null;
  // the restore begun to the copy ready, and the checks: a pause between them (a run stopped,
  // resumed later) is no part of it
  const rtMeasured =
    r.restore && inspected && recovered
      ? round(recovered.at - r.restore.startedAt + (inspected.at - (inspected.startedAt ?? recovered.at)))
      : null;
  const rtMet = rtMeasured !== null && rtMeasured <= rtoObjective;
  if (inspected) {
    if (inspected.checkFailed)
      problems.push(
        `${checkOf(t)} could not check the restored copy (${inspected.checkFailed}): the copy is not verified`,
      );
    if (inspected.corruption.length > 0)
      problems.push(
        `${checkOf(t)} found corruption in the restored copy: ${inspected.corruption.slice(0, 3).join(' / ')}`,
      );
    if (inspected.differences.length > 0)
      problems.push(
        `the restored copy differs from the source: ${inspected.differences.slice(0, 3).join('; ')}`,
      );
    if (rtMeasured !== null && !rtMet)
      problems.push(
        `recovery time objective missed: restored and checked in ${rtMeasured} s, the objective is ${rtoObjective} s`,
      );
  }
  const tables = inspected ? inspected.databases.flatMap((d) => d.tables) : [];
  // a restore nothing was compared with verifies nothing of what the backup should hold
  const compared = Boolean(
    mark && 'archived' in mark && mark.archived && mark.databases.some((d) => d.tables.length > 0),
  );
  if (inspected && mark && 'archived' in mark && mark.archived && !compared)
    problems.push(
      `nothing of the source was compared with the restored copy: it held no ${t.shard.engine === 'clickhouse' ? 'rows written before the backup began' : 'table'}`,
    );
  const target = r.restore?.target;
  return {
    warehouse: t.shard.warehouse,
    shard: t.id,
    drill: plan.drill,
    restoredTo:
      target === undefined
        ? 'not restored'
        : target.kind === 'restore-point'
          ? `${t.shard.engine === 'clickhouse' ? 'backup' : 'restore point'} ${target.name}`
          : target.kind === 'time'
            ? `time ${target.at}`
            : 'the archive’s end',
    fullBackup: r.restore?.base ?? null,
    recoveryPoint: { measuredSeconds: rpMeasured, objectiveSeconds: rpoObjective, met: rpMet },
    recoveryTime: { measuredSeconds: rtMeasured, objectiveSeconds: rtoObjective, met: rtMet },
    verification: {
      restored: recovered?.problem === null,
      corruption: [...(inspected?.corruption ?? [])],
      differences: [...(inspected?.differences ?? [])],
      compared,
      tables: tables.length,
      rows: tables.reduce((n, x) => n + Math.max(0, x.rows), 0),
    },
    problems,
    passed: problems.length === 0,
  };
}
