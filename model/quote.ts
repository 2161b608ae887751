/**
 * A value of the inventory quoted in a message: JSON-quoted and cut short, so a message stays one
 * readable line and never reproduces a file's content (a secret read from an unexpected file, say).
 */

/** Longest text quoted whole; longer text is cut and ends with an ellipsis. */
export const MAX_QUOTED = 40;

/** `"text"`, or `"the first 40 characters…"` for longer text. */
export function quote(text: string): string {
  const chars = [...text];
  return JSON.stringify(chars.length > MAX_QUOTED ? `${chars.slice(0, MAX_QUOTED).join('')}…` : text);
}
