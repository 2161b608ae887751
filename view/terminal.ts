/**
 * Text from outside (a file name in out/, a plan's address, a tool's message, an inventory's
 * name) made inert for a terminal: escape sequences (colours, cursor moves, a title change, a
 * hyperlink, a clear screen) and other control characters are taken out, and so are bidirectional
 * overrides — what is printed is what it says, on the line it was printed on.
 */

const ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is removed
  /\u001b(\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\)|[PX^_][^\u001b]*\u001b\\|.)|\u009b[0-?]*[ -/]*[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text without escape sequences, controls or bidi overrides; line breaks kept only if asked. */
export function inert(text: string, options: { readonly lines?: boolean } = {}): string {
  const t = text.replace(ESCAPE, '').replace(BIDI, '');
  return options.lines
    ? t
        .split('\n')
        .map((l) => l.replace(CONTROL, ''))
        .join('\n')
    : t.replace(/\n/g, ' ').replace(CONTROL, '');
}

/** What JSON may carry as a character but a terminal or an editor would act on. */
const LIVE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with the characters a terminal or an editor would act on — C1 controls, bidirectional
 * overrides, line separators — written as `\\uXXXX` escapes: the same value, read by any parser,
 * inert where it is shown (JSON.stringify escapes only the C0 controls).
 */
export const inertJson = (json: string): string =>
  json.replace(LIVE_IN_JSON, (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
