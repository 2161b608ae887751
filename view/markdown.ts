/**
 * The one escaper for text that goes into Markdown (a pull-request comment, a report): whatever an
 * inventory, a plan or a file name says, it stays text where it lands. Markup is escaped (emphasis,
 * links, images, tables, headings, lists, HTML and entities); what GitHub would turn into something
 * else is broken up with a zero-width space — an `@mention` that would notify someone, a bare
 * `https://…` or `www.` link; controls and bidirectional overrides (which make text read in another
 * order than it is written, "Trojan Source") are taken out; it stays on one line.
 */

/** Bidirectional embeddings, overrides and isolates, and the marks that steer them. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const ZWSP = '\u200b';

/** Text made inert for any Markdown context: one line, no controls, no bidi overrides. */
const plain = (text: string) =>
  text
    .replace(BIDI, '')
    .replace(CONTROL, '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ');

/** Text for a Markdown line or table cell. */
export function markdownText(text: string): string {
  return (
    plain(text)
      // markup: backslash-escaped (CommonMark escapes any ASCII punctuation)
      .replace(/[\\`*_[\]()|<>~&!#{}]/g, (c) => `\\${c}`)
      // a line that starts like a list, a heading, a quote or a rule
      .replace(/^(\s*)([-=+>])/, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/, '$1\\$2')
      // what GitHub links by itself: mentions, and bare links
      .replace(/@/g, `@${ZWSP}`)
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}${ZWSP}.`)
  );
}

/** Text for an inline code span (a path, an attribute): nothing but its characters. */
export function markdownCode(text: string): string {
  const t = plain(text).replace(/`/g, "'");
  return `\`${t.startsWith(' ') || t.endsWith(' ') ? ` ${t} ` : t}\``;
}
