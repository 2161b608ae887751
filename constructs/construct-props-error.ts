/**
 * A construct refused what it was given: the message names the construct's path and the model
 * path it came from, what is wrong and what is expected. synth reports it as a problem of the
 * inventory (exit 1), not as a fault of citycloud.
 */
export class ConstructPropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConstructPropsError';
  }
}
