/**
 * The restore drill report's schema (`citycloud-restore-drill/v1`): the report's types are read
 * from it, and docs/restore-drill.schema.json is its JSON Schema (test/runbooks/drill-report.test.ts
 * holds the two together and says how to write the file again).
 */
import { z } from 'zod';

const seconds = z.number().nonnegative().nullable();

export const drillShardResultSchema = z.strictObject({
  warehouse: z.string().describe('the warehouse, as the inventory names it'),
  shard: z.string().describe('the shard drilled: <warehouse>-sNN'),
  drill: z.string().describe('the drill: when it began, UTC, 20261205T160000Z'),
  restoredTo: z
    .string()
    .describe("where the restore stopped: the drill's restore point, a time asked for, or the archive's end"),
  fullBackup: z.string().nullable().describe('the full backup it started from'),
  recoveryPoint: z.strictObject({
    measuredSeconds: seconds.describe(
      'how old the newest archived transaction was when the source had newer ones (0: the archive held them all); null: not measured',
    ),
    objectiveSeconds: z.number().positive().describe("the warehouse's rpoMinutes, in seconds"),
    met: z.boolean(),
  }),
  recoveryTime: z.strictObject({
    measuredSeconds: seconds.describe(
      'from the restore begun to the restored copy checked; null: not restored',
    ),
    objectiveSeconds: z.number().positive().describe("the warehouse's rtoMinutes, in seconds"),
    met: z.boolean(),
  }),
  verification: z.strictObject({
    restored: z.boolean().describe('the copy recovered and started'),
    corruption: z.array(z.string()).describe('what pg_amcheck found'),
    differences: z
      .array(z.string())
      .describe("where the copy's figures differ from the source's as of the restore point"),
    compared: z
      .boolean()
      .describe(
        "the figures were compared with the source's (not for a point in time asked for, nor when the restore point never reached the archive)",
      ),
    tables: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
  }),
  problems: z.array(z.string()).describe('every problem, a phrase each'),
  passed: z.boolean(),
});

export const drillReportSchema = z.strictObject({
  format: z.literal('citycloud-restore-drill/v1'),
  run: z.string().describe("the run's id in the runbook journal"),
  drill: z.string(),
  city: z.string().describe("the city's code"),
  executor: z.enum(['local', 'kubectl']),
  fleet: z.string().describe('what was drilled: the local site, or the kube context'),
  notJudged: z.array(z.string()).describe('shards planned that the run stopped before judging'),
  shards: z.array(drillShardResultSchema),
  passed: z.boolean().describe('every shard planned was judged and passed'),
});

/** The schema as JSON Schema (draft 2020-12), as docs/restore-drill.schema.json holds it. */
export const drillReportJsonSchema = (): string =>
  `${JSON.stringify(
    {
      $id: 'https://citycloud.hcmc.gov.vn/schemas/restore-drill-v1.json',
      title: 'citycloud restore drill report',
      ...z.toJSONSchema(drillReportSchema),
    },
    null,
    2,
  )}\n`;
