/** Low: an update in place that no other rule finds risky. */
import type { Change } from '../change.ts';

export const inPlaceUpdate = (c: Change) => (c.action === 'change' ? c.summary : null);
