/** How findings and inventory counts read on a terminal. */

import type { ConstructPropsError } from '../../constructs/construct-props-error.ts';
import {
  type Finding,
  formatFinding,
  type InventoryCounts,
  type InventorySources,
} from '../../model/index.ts';
import { inert } from '../../view/terminal.ts';

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;

/** Two lines that say what the inventory holds. */
export function countsLines(c: InventoryCounts): string[] {
  return [
    `${plural(c.servers, 'server')} in ${plural(c.racks, 'rack')} · ${plural(c.pools, 'pool')} · ${plural(c.connectionPoints, 'connection point')} · ${plural(c.warehouses, 'warehouse')}`,
    ...(Object.keys(c.serversByPhase).length > 1
      ? [
          `servers by phase: ${Object.entries(c.serversByPhase)
            .map(([phase, count]) => `${phase} ${n(count)}`)
            .join(' · ')}`,
        ]
      : []),
    `${plural(c.publicServices.total, 'public service')} (${n(c.publicServices.full)} fully online, ${n(c.publicServices.partial)} partly) · ${plural(c.tenants, 'tenant')}`,
  ];
}

/** `2 errors, 1 warning`. */
export function findingTally(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.level === 'error').length;
  return `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}`;
}

export function printFindings(findings: readonly Finding[], write: (line: string) => void): void {
  // a finding quotes the inventory: whatever its names hold, they print as text
  for (const f of findings) write(inert(formatFinding(f)));
}

/** A finding as JSON output: flat, with the location spelled out. */
export const findingJson = (f: Finding) => ({
  rule: f.rule,
  ruleName: f.ruleName,
  level: f.level,
  file: f.location.file,
  line: f.location.line,
  column: f.location.column,
  path: f.path,
  message: f.message,
  expected: f.expected,
  why: f.why,
});

/**
 * A construct's refusal placed like a finding, at the file:line of the object it names:
 * `file:line:col: error <refusal> <model path>: <message>`.
 */
export function refusalLine(err: ConstructPropsError, sources: InventorySources): string {
  const at = err.modelPath ? sources.locateModel(err.modelPath) : sources.locate([]);
  return `${at.file}:${at.line}:${at.column}: error ${err.refusal} ${err.modelPath ?? '(city)'}: ${err.message}`;
}
