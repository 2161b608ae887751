/** Medium: any other removal — what depended on it breaks, and it is gone from the record. */
import type { Change } from '../change.ts';

export const otherRemoval = (c: Change) => (c.action === 'remove' ? c.summary : null);
