/**
 * JSON read from outside (a plan, a bundle) is parsed only within bounds: its size, and its
 * nesting, checked in one pass before `JSON.parse` — every walk over the parsed value recurses as
 * deep as the value nests, and a value nested 100,000 deep would end it with a stack overflow.
 */

/** The deepest nesting accepted: Terraform's plans of the built-in city nest about 20 deep. */
export const MAX_JSON_DEPTH = 256;

/** Why `text` is out of bounds (its size or its nesting), or null. */
export function jsonBoundsProblem(text: string, maxBytes: number, maxDepth = MAX_JSON_DEPTH): string | null {
  if (text.length > maxBytes)
    return `is ${(text.length / 1024 / 1024).toFixed(1)} MiB; expected at most ${(maxBytes / 1024 / 1024).toFixed(0)} MiB`;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth)
        return `nests deeper than ${maxDepth} levels; expected a plan as Terraform writes it`;
    } else if (c === 125 || c === 93) depth--;
  }
  return null;
}
