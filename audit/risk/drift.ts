/**
 * Medium: drift — the real object differs from Terraform's state (a plan's resource_drift): it was
 * changed outside the reviewed path, and the next apply will undo or keep that without a review.
 */
import type { Change } from '../change.ts';

export const drift = (c: Change) => (c.action === 'drift' ? c.summary : null);
