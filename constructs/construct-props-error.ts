import { UserError } from '../model/index.ts';

/**
 * A construct refused what it was given: the message names the construct's path, what is wrong
 * and what is expected; `modelPath` is the object of the inventory it came from, so synth reports
 * it as a problem of the inventory at its file:line (exit 1), not as a fault of citycloud.
 * `refusal` names the check: every refusal the inventory can cause has a validation rule that
 * reports it first (test/constructs/refusals.test.ts holds that to be so).
 */
export class ConstructPropsError extends UserError {
  /** Exit 1: the city was read and a construct found a problem in it. */
  readonly exitCode = 1;
  constructor(
    readonly refusal: string,
    message: string,
    readonly modelPath?: string,
  ) {
    super(message);
  }
}
