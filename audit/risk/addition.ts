/** Low: an addition — new objects to review, nothing existing is lost. */
import type { Change } from '../change.ts';

export const addition = (c: Change) => (c.action === 'add' ? c.summary : null);
