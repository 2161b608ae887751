/**
 * The audit report as Markdown for a pull-request comment: counts by level first, then each
 * change at high or critical level with its rule, then every change by level in collapsible
 * sections. Split into parts under GitHub's 65,536-character limit for a comment, each part whole
 * (never cut inside a section) and saying which part of how many it is.
 */
import { markdownCode, markdownText } from '../view/markdown.ts';
import type { AuditReport } from './audit-diff.ts';
import type { RankedChange } from './risk/rank-changes.ts';
import { LEVELS } from './risk/risk-rule.ts';

/** GitHub's limit on a comment's body. */
export const COMMENT_LIMIT = 65_536;

const ICON: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '⬜' };

const md = markdownText;

function changeBlock(c: RankedChange): string {
  const lines = [
    `- ${ICON[c.level]} **${c.level}** · ${md(c.area)} · ${markdownCode(c.artifact)} — ${md(c.summary)}`,
  ];
  for (const f of c.firings) lines.push(`  - ${f.rule} (${f.level}): ${md(f.because)} — ${md(f.matters)}`);
  for (const a of c.attributes.slice(0, 50))
    lines.push(
      `  - ${markdownCode(a.path)}: ${a.before === undefined ? '—' : md(a.before)} → ${a.after === undefined ? '—' : md(a.after)}${a.forcesReplacement ? ` **forces replacement** (${md(a.forcesReplacement)})` : ''}`,
    );
  if (c.attributes.length > 50) lines.push(`  - … and ${c.attributes.length - 50} more attributes`);
  return lines.join('\n');
}

/** The report as one or more comment bodies, each under COMMENT_LIMIT characters. */
export function reportMarkdown(report: AuditReport, limit = COMMENT_LIMIT): string[] {
  const { counts } = report;
  const head = [
    `## citycloud diff: ${md(report.old.label)} → ${md(report.new.label)}`,
    '',
    `| ${LEVELS.map((l) => `${ICON[l]} ${l}`).join(' | ')} |`,
    `|${LEVELS.map(() => '---:').join('|')}|`,
    `| ${LEVELS.map((l) => counts[l]).join(' | ')} |`,
    '',
    `${report.changes.length} changes in ${report.files.changed.length} changed files (${report.files.unchanged} unchanged, not read).`,
  ];
  const serious = report.changes.filter((c) => c.level === 'critical' || c.level === 'high');
  if (serious.length > 0) {
    head.push('', '### Critical and high');
    for (const c of serious.slice(0, 40))
      head.push(
        `- ${ICON[c.level]} ${c.firings.map((f) => f.rule).join(', ')}: ${md(c.firings[0]?.because ?? c.summary)}`,
      );
    if (serious.length > 40) head.push(`- … and ${serious.length - 40} more, in the sections below`);
  }
  const sections: string[] = [];
  for (const level of LEVELS) {
    const list = report.changes.filter((c) => c.level === level);
    if (list.length === 0) continue;
    // a level's changes in sections of their own, each small enough for a part
    let chunk: string[] = [];
    let size = 0;
    let chunks = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      sections.push(
        `<details><summary>${ICON[level]} ${level}: ${list.length} change${list.length > 1 ? 's' : ''}${chunks > 0 ? ' (continued)' : ''}</summary>\n\n${chunk.join('\n')}\n\n</details>`,
      );
      chunks++;
      chunk = [];
      size = 0;
    };
    for (const c of list) {
      let block = changeBlock(c);
      if (block.length > limit / 2)
        block = `${block.slice(0, limit / 2 - 40)}\n  - … (cut: too long for a comment)`;
      if (size + block.length > limit / 2) flush();
      chunk.push(block);
      size += block.length + 1;
    }
    flush();
  }
  if (report.files.changed.length > 0) {
    const derived = report.files.changed.filter((f) => f.diffedAs === null).map((f) => markdownCode(f.path));
    if (derived.length)
      sections.push(`Changed files derived from the above (not diffed on their own): ${derived.join(', ')}`);
  }
  // pack the head and the sections into parts under the limit
  const reserve = 80; // the part's "part i of n" line
  const parts: string[] = [];
  let current = head.join('\n');
  for (const s of sections) {
    if (current.length + 2 + s.length + reserve > limit) {
      parts.push(current);
      current = s;
    } else current += `\n\n${s}`;
  }
  parts.push(current);
  return parts.length === 1
    ? [`${parts[0]}\n`]
    : parts.map((p, i) => `${p}\n\n_part ${i + 1} of ${parts.length}_\n`);
}
