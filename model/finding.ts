/** A validation finding: what is wrong, where in the model and in the file, and what is expected. */
import type { Location } from './source.ts';

export type Level = 'error' | 'warning';

export interface Finding {
  /** Rule id, e.g. `CC004`; `CC000` for the schema. */
  readonly rule: string;
  /** Rule name, the name of its file, e.g. `rack-power-budget`. */
  readonly ruleName: string;
  readonly level: Level;
  /** Model path of the object at fault, `datacentre.halls[h1].rows[r03].racks[k07]`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** What is expected instead. */
  readonly expected: string;
  readonly location: Location;
  /** Why the rule matters, from the rule pack. */
  readonly why: string;
}

/** One line: `file:line:col: level RULE path: what is wrong; expected what`. */
export function formatFinding(f: Finding): string {
  const { file, line, column } = f.location;
  return `${file}:${line}:${column}: ${f.level} ${f.rule} ${f.path}: ${f.message}; expected ${f.expected}`;
}

/** Findings in file order, then by rule, so output is stable and reads top to bottom. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.rule.localeCompare(b.rule) ||
      a.path.localeCompare(b.path),
  );
}
