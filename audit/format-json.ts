/**
 * The audit report as JSON (schema citycloud-audit-diff/v1, README § Audit): stable — keys in a
 * fixed order, changes in rank order, no time, nothing sensitive (an object's configuration is
 * never included, only the attributes with sensitive values already masked).
 */
import { inertJson } from '../view/terminal.ts';
import type { AuditReport } from './audit-diff.ts';

export function reportJson(report: AuditReport): string {
  const out = {
    schema: report.schema,
    old: report.old,
    new: report.new,
    counts: report.counts,
    files: report.files,
    changes: report.changes.map((c) => ({
      level: c.level,
      area: c.area,
      artifact: c.artifact,
      ...(c.stack ? { stack: c.stack } : {}),
      kind: c.kind,
      id: c.id,
      action: c.action,
      summary: c.summary,
      rules: c.firings,
      attributes: c.attributes,
    })),
  };
  // a name or a value from the inventory or a plan reads as text wherever the report is shown
  return `${inertJson(JSON.stringify(out, null, 2))}\n`;
}
