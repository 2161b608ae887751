import { UserError } from '../model/index.ts';

/** An audit input that cannot be used (a folder that is no synth output, a bad plan, a bad bundle): exit 2. */
export class AuditInputError extends UserError {
  /** Exit 2: unreadable input. */
  readonly exitCode = 2;
}
