/**
 * A value of the inventory quoted in a message: JSON-quoted and cut short, so a message stays one
 * readable line and never reproduces a file's content (a secret read from an unexpected file, say).
 */

/** Longest text quoted whole; longer text is cut and ends with an ellipsis. */
export const MAX_QUOTED = 40;

/** `"text"`, or `"the first 40 (or max) characters…"` for longer text. */
export function quote(text: string, max = MAX_QUOTED): string {
  const chars = [...text];
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}
