/** Input that cannot be used as an inventory at all: a missing file, text that is not YAML. */

import { UserError } from './user-error.ts';

export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** What is wrong and what is expected, in one line. */
  readonly message: string;
}

/** `file:line:column: message`, or `file: message` when there is no position. */
export function formatInputProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${where}: ${p.message}`;
}

/** Thrown when the inventory cannot be read or parsed; carries every problem found. */
export class InventoryInputError extends UserError {
  /** Exit 2: unreadable input. */
  readonly exitCode = 2;
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems.map(formatInputProblem).join('\n'));
  }
}
