/**
 * A restore drill judged and reported: the recovery point and time against the objectives from
 * the records the steps leave, the report's schema (and docs/restore-drill.schema.json made from
 * it), and what a hostile message from PostgreSQL or a pod becomes in the Markdown and the page,
 * opened in Chromium.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillPlan, DrillRecords, DrillTarget } from '../../runbooks/drill/drill-plan.ts';
import { drillReport, reportHtml, reportJson, reportMarkdown } from '../../runbooks/drill/drill-report.ts';
import { judge } from '../../runbooks/drill/drill-result.ts';
import { drillReportJsonSchema, drillReportSchema } from '../../runbooks/drill/report-schema.ts';
import { figuresDiffer } from '../../runbooks/drill/table-figures.ts';
import { missingSegments, parseLsn, segmentOf, walCommits } from '../../runbooks/drill/wal-segments.ts';
import { launchChromium, openPage } from '../helpers/chromium.ts';
import { ROOT, tempDir } from '../helpers/city.ts';
import { CHROMIUM_BROWSER, describeWith } from '../helpers/needs.ts';

const target: DrillTarget = {
  id: 'population-s03',
  title: 'population-s03',
  shard: {
    warehouse: 'population',
    shard: 'population-s03',
    engine: 'postgresql',
    namespace: 'warehouse-population',
    drill: '20261205T160000Z',
  },
  promise: {
    schedule: '0 1 * * *',
    fullBackupsKept: 8,
    pointInTimeDays: 7,
    rpoMinutes: 5,
    rtoMinutes: 240,
    drill: '0 3 2 * *',
    path: 'backups.personal',
  },
};
const plan: DrillPlan = {
  format: 'citycloud-drill-plan/v1',
  drill: '20261205T160000Z',
  to: null,
  shards: [{ warehouse: 'population', shard: 'population-s03' }],
};
const T = 1_796_400_000;
const figures = [
  { database: 'warehouse', tables: [{ table: 'public.citizens', rows: 10, sampled: 1, checksum: 'abc' }] },
];
const passing: DrillRecords = {
  recoveryPoint: { at: T, archivedThrough: '000000010000000000000005', oldestUnarchivedCommit: T - 100 },
  mark: {
    restorePoint: 'rp',
    lsn: '0/6000090',
    at: T + 1,
    segment: '000000010000000000000006',
    archived: true,
    archiveProblem: null,
    databases: figures,
  },
  restore: { startedAt: T + 2, target: { kind: 'restore-point', name: 'rp', at: T + 1 }, base: 'base-1' },
  recovered: { at: T + 30, problem: null },
  inspected: { at: T + 62, corruption: [], checkFailed: null, databases: figures, differences: [] },
};

describe('a drill judged from its records', () => {
  it('passes within the objectives, with the figures measured', () => {
    const r = judge(target, plan, passing);
    expect(r).toMatchObject({
      passed: true,
      problems: [],
      recoveryPoint: { measuredSeconds: 100, objectiveSeconds: 300, met: true },
      recoveryTime: { measuredSeconds: 60, objectiveSeconds: 14_400, met: true },
      verification: { restored: true, compared: true, tables: 1, rows: 10 },
      fullBackup: 'base-1',
      restoredTo: 'restore point rp',
    });
  });

  it('an archive holding every commit loses nothing: a recovery point of 0, however long the source was idle', () => {
    const r = judge(target, plan, {
      ...passing,
      recoveryPoint: { at: T, archivedThrough: '000000010000000000000005', oldestUnarchivedCommit: null },
    });
    expect(r.recoveryPoint).toMatchObject({ measuredSeconds: 0, met: true });
  });

  it('says each objective missed with its figure, and each finding', () => {
    const r = judge(target, plan, {
      ...passing,
      recoveryPoint: { at: T, archivedThrough: null, oldestUnarchivedCommit: T - 412.34 },
      inspected: {
        at: T + 20_000,
        checkFailed: null,
        corruption: ['heap table "warehouse.public.citizens", block 3: invalid page'],
        databases: figures,
        differences: ['warehouse: public.citizens has 9 rows restored, 10 in the source'],
      },
    });
    expect(r.passed).toBe(false);
    expect(r.problems).toEqual([
      'recovery point objective missed: the oldest transaction not archived was committed 412.3 s before the drill, the objective is 300 s',
      'pg_amcheck found corruption in the restored copy: heap table "warehouse.public.citizens", block 3: invalid page',
      'the restored copy differs from the source: warehouse: public.citizens has 9 rows restored, 10 in the source',
      'recovery time objective missed: restored and checked in 19998 s, the objective is 14400 s',
    ]);
  });

  it('a restore that failed is not checked, nor its time measured', () => {
    const r = judge(target, plan, {
      ...passing,
      recovered: {
        at: T + 5,
        problem: 'the restore failed: recovery ended before configured recovery target was reached',
      },
      inspected: { at: T + 6, skipped: 'nothing was restored to check' },
    });
    expect(r).toMatchObject({
      passed: false,
      recoveryTime: { measuredSeconds: null, met: false },
      verification: { restored: false },
    });
    expect(r.problems).toContain(
      'the restore failed: recovery ended before configured recovery target was reached',
    );
  });

  it('a recovery point not measured is a problem, not a pass', () => {
    const { recoveryPoint: _, ...rest } = passing;
    const r = judge(target, plan, rest);
    expect(r.recoveryPoint).toMatchObject({ measuredSeconds: null, met: false });
    expect(r.passed).toBe(false);
  });

  it('the recovery time leaves out a pause between the copy ready and its checks (a run stopped, resumed later)', () => {
    const r = judge(target, plan, {
      ...passing,
      inspected: {
        startedAt: T + 86_400,
        at: T + 86_432,
        checkFailed: null,
        corruption: [],
        databases: figures,
        differences: [],
      },
    });
    expect(r.recoveryTime).toMatchObject({ measuredSeconds: 60, met: true });
  });

  it('pg_amcheck that could not check is no verdict: the copy is not verified', () => {
    const r = judge(target, plan, {
      ...passing,
      inspected: {
        at: T + 62,
        checkFailed: 'exit 1: connection to server was lost',
        corruption: [],
        databases: figures,
        differences: [],
      },
    });
    expect(r.passed).toBe(false);
    expect(r.problems).toEqual([
      'pg_amcheck could not check the restored copy (exit 1: connection to server was lost): the copy is not verified',
    ]);
  });
});

describe('what a drill compares and reads', () => {
  it('figures differ by table: rows, the sample, a table missing or added', () => {
    const source = [
      {
        database: 'w',
        tables: [
          { table: 'a', rows: 3, sampled: 1, checksum: 'x' },
          { table: 'b', rows: 1, sampled: 0, checksum: 'y' },
        ],
      },
    ];
    expect(figuresDiffer(source, source)).toEqual([]);
    expect(
      figuresDiffer(source, [
        {
          database: 'w',
          tables: [
            { table: 'a', rows: 3, sampled: 1, checksum: 'z' },
            { table: 'c', rows: 0, sampled: 0, checksum: '' },
          ],
        },
      ]),
    ).toEqual([
      "w: a's sample of 1 rows differs from the source's (MD5 z against x)",
      'w: table b is missing from the restored copy',
      'w: table c is in the restored copy, not in the source',
    ]);
    expect(figuresDiffer(source, [])).toEqual(['database w is missing from the restored copy']);
  });

  it('WAL positions, segments and the gap between two', () => {
    expect(segmentOf(1, parseLsn('0/6000090') as bigint)).toBe('000000010000000000000006');
    expect(segmentOf(2, parseLsn('1A/FF000000') as bigint)).toBe('000000020000001A000000FF');
    const from = parseLsn('0/4000028') as bigint;
    const to = parseLsn('0/7000010') as bigint;
    expect(
      missingSegments(
        1,
        from,
        to,
        new Set(['000000010000000000000004', '000000010000000000000006', '000000010000000000000007']),
      ),
    ).toEqual(['000000010000000000000005']);
    expect(parseLsn('0/zz')).toBeNull();
  });

  it('commits as pg_waldump prints them (TZ=UTC)', () => {
    const out =
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        745, lsn: 0/0301A2B8, prev 0/0301A280, desc: COMMIT 2026-12-05 16:10:01.123456 UTC\n' +
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        746, lsn: 0/0301A2E0, prev 0/0301A2B8, desc: ABORT 2026-12-05 16:10:02.000000 UTC\n';
    expect(walCommits(out)).toEqual([{ xid: 745, at: Date.parse('2026-12-05T16:10:01.123456Z') / 1000 }]);
  });
});

/** A failed drill whose messages (from PostgreSQL, from a pod) carry markup and Markdown. */
const hostile = () => {
  const r = judge(target, plan, {
    ...passing,
    inspected: {
      at: T + 62,
      checkFailed: null,
      corruption: ['<img src=x onerror=alert(1)> | **bold** [x](http://evil)'],
      databases: figures,
      differences: [],
    },
  });
  return drillReport(
    {
      run: 'restore-drill-20261205-160000-abcd',
      drill: plan.drill,
      city: '79',
      executor: 'local',
      fleet: 'local site /x',
    },
    ['population-s03', 'population-s04'],
    [r],
  );
};

describe('the drill report', () => {
  it('is what its schema says, and docs/restore-drill.schema.json is that schema', () => {
    const report = hostile();
    expect(drillReportSchema.parse(JSON.parse(reportJson(report)))).toEqual(report);
    expect(report).toMatchObject({ passed: false, notJudged: ['population-s04'] });
    expect(
      readFileSync(join(ROOT, 'docs/restore-drill.schema.json'), 'utf8'),
      'write it again: npx tsx -e "import(\'./runbooks/drill/report-schema.ts\').then(m => process.stdout.write(m.drillReportJsonSchema()))" > docs/restore-drill.schema.json',
    ).toBe(drillReportJsonSchema());
  });

  it('escapes what PostgreSQL said in the Markdown', () => {
    const md = reportMarkdown(hostile());
    expect(md).toContain('\\<img src=x onerror=alert\\(1\\)\\> \\| \\*\\*bold\\*\\*');
    expect(md).not.toMatch(/(^|[^\\])<img/);
    expect(md).not.toContain('](http://evil)');
    expect(md).toContain('population-s03');
    expect(md).toMatch(/Not judged .*population-s04/);
  });
});

describeWith([CHROMIUM_BROWSER], 'the drill report page in Chromium', () => {
  let browser: Browser;
  const file = join(tempDir(), 'restore-drill.html');
  beforeAll(async () => {
    writeFileSync(file, reportHtml(hostile()));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows each shard, its figures against the objectives and its problems as text, nothing run or fetched', async () => {
    const { page, errors, requests } = await openPage(browser, `file://${file}`);
    expect(await page.locator('h1').textContent()).toMatch(/Restore drill 20261205T160000Z: FAILED/);
    const row = page.locator('tr[data-shard="population-s03"] td');
    expect(await row.allInnerTexts()).toEqual([
      'population-s03',
      'restore point rp',
      '100 s (objective 300 s)',
      '60 s (objective 14400 s)',
      '1',
      '10',
      'FAILED',
    ]);
    expect(await page.locator('.problems li').first().textContent()).toContain(
      '<img src=x onerror=alert(1)>',
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.summary').textContent()).toBe('0 of 2 shards passed');
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
  });
});
