/**
 * A restore drill's report, for the auditor who keeps it: JSON (`citycloud-restore-drill/v1`,
 * its schema in docs/restore-drill.schema.json), Markdown, and a page — each shard's recovery
 * point and time against its objectives, what the restored copy's checks found, and whether it
 * passed. The JSON's SHA-256 is what review evidence cites (`citycloud diff … --evidence F --drill-report R`).
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { escapeHtml, htmlPage } from '../../view/html-page.ts';
import { markdownText } from '../../view/markdown.ts';
import type { DrillShardResult } from './drill-result.ts';
import type { drillReportSchema } from './report-schema.ts';

export const DRILL_REPORT_FORMAT = 'citycloud-restore-drill/v1';

export type DrillReport = z.infer<typeof drillReportSchema>;

export function drillReport(
  head: Omit<DrillReport, 'format' | 'shards' | 'passed' | 'notJudged'>,
  planned: readonly string[],
  results: readonly DrillShardResult[],
): DrillReport {
  const notJudged = planned.filter((s) => !results.some((r) => r.shard === s));
  return {
    format: DRILL_REPORT_FORMAT,
    ...head,
    notJudged,
    shards: [...results],
    passed: notJudged.length === 0 && results.length > 0 && results.every((r) => r.passed),
  };
}

export const reportJson = (r: DrillReport): string => `${JSON.stringify(r, null, 2)}\n`;

/** The SHA-256 of the report's JSON, as review evidence cites it. */
export const reportDigest = (json: string): string => createHash('sha256').update(json, 'utf8').digest('hex');

const seconds = (s: number | null) => (s === null ? 'unknown' : `${s} s`);

export function reportMarkdown(r: DrillReport): string {
  const lines = [
    `# Restore drill ${markdownText(r.drill)} — ${r.passed ? 'passed' : 'FAILED'}`,
    '',
    `Run ${markdownText(r.run)} of ${markdownText(r.city)}, executor ${markdownText(r.executor)} on ${markdownText(r.fleet)}.`,
    '',
    '| Shard | Restored to | Recovery point (objective) | Recovery time (objective) | Tables | Rows | Result |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.shards.map(
      (s) =>
        `| ${markdownText(s.shard)} | ${markdownText(s.restoredTo)} | ${seconds(s.recoveryPoint.measuredSeconds)} (${s.recoveryPoint.objectiveSeconds} s) | ${seconds(s.recoveryTime.measuredSeconds)} (${s.recoveryTime.objectiveSeconds} s) | ${s.verification.tables} | ${s.verification.rows} | ${s.passed ? 'passed' : 'FAILED'} |`,
    ),
    '',
  ];
  for (const s of r.shards.filter((x) => x.problems.length > 0)) {
    lines.push(`## ${markdownText(s.shard)}`, '');
    for (const p of s.problems) lines.push(`- ${markdownText(p)}`);
    lines.push('');
  }
  if (r.notJudged.length > 0)
    lines.push(`Not judged (the run stopped before them): ${r.notJudged.map(markdownText).join(', ')}.`, '');
  return lines.join('\n');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.passed{color:#17663a;font-weight:600}.failed{color:#a4161a;font-weight:600}
.missed{background:#fde2e1}`;
/** The page's one script: how many of the planned shards passed, from the embedded report. */
const SCRIPT = `const r=JSON.parse(document.getElementById('citycloud-data').textContent);
const planned=r.shards.length+r.notJudged.length;
document.querySelector('.summary').textContent=r.shards.filter(function(s){return s.passed}).length+' of '+planned+' shards passed';`;

export function reportHtml(r: DrillReport): string {
  const cell = (t: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(t)}</td>`;
  const rows = r.shards
    .map(
      (s) =>
        `<tr data-shard="${escapeHtml(s.shard)}">${cell(s.shard)}${cell(s.restoredTo)}${cell(
          `${seconds(s.recoveryPoint.measuredSeconds)} (objective ${s.recoveryPoint.objectiveSeconds} s)`,
          s.recoveryPoint.met ? '' : 'missed',
        )}${cell(
          `${seconds(s.recoveryTime.measuredSeconds)} (objective ${s.recoveryTime.objectiveSeconds} s)`,
          s.recoveryTime.met ? '' : 'missed',
        )}${cell(String(s.verification.tables))}${cell(String(s.verification.rows))}${cell(
          s.passed ? 'passed' : 'FAILED',
          s.passed ? 'passed' : 'failed',
        )}</tr>`,
    )
    .join('\n');
  const problems = r.shards
    .filter((s) => s.problems.length > 0)
    .map(
      (s) =>
        `<section class="problems"><h2>${escapeHtml(s.shard)}</h2><ul>${s.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></section>`,
    )
    .join('\n');
  const body = `<h1>Restore drill ${escapeHtml(r.drill)}: <span class="${r.passed ? 'passed' : 'failed'}">${r.passed ? 'passed' : 'FAILED'}</span></h1>
<p class="summary"></p>
<p>Run ${escapeHtml(r.run)} of ${escapeHtml(r.city)}, executor ${escapeHtml(r.executor)} on ${escapeHtml(r.fleet)}.</p>
<table><thead><tr><th>Shard</th><th>Restored to</th><th>Recovery point</th><th>Recovery time</th><th>Tables</th><th>Rows</th><th>Result</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${problems}
${r.notJudged.length > 0 ? `<p>Not judged (the run stopped before them): ${escapeHtml(r.notJudged.join(', '))}.</p>` : ''}`;
  return htmlPage({
    title: `Restore drill ${r.drill}`,
    lang: 'en',
    style: STYLE,
    body,
    dataJson: JSON.stringify(r),
    script: SCRIPT,
  });
}
