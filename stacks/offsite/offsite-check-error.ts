/** The off-site stack does not pass its checks. */
export class OffsiteCheckError extends Error {
  constructor(readonly findings: readonly string[]) {
    super(`the off-site stack fails its checks:\n${findings.join('\n')}`);
    this.name = 'OffsiteCheckError';
  }
}
