/** Medium: any other replacement — a delete and a create: a moment without the object, new identifiers. */
import type { Change } from '../change.ts';

export const otherReplacement = (c: Change) => (c.action === 'replace' ? c.summary : null);
