import { UserError } from '../../model/index.ts';

/** The off-site stack does not pass its checks. */
export class OffsiteCheckError extends UserError {
  /** Exit 1: the city was read and its off-site stack has problems. */
  readonly exitCode = 1;
  constructor(readonly findings: readonly string[]) {
    super(`the off-site stack fails its checks:\n${findings.join('\n')}`);
  }
}
