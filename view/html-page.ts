/**
 * The one way citycloud writes an HTML page: self-contained (no request leaves the page), every
 * text from the inventory escaped, data embedded as JSON that cannot close its script element,
 * and a Content-Security-Policy that runs only the page's own script and style, by their sha256:
 * no 'unsafe-inline', so markup that slipped into a name could run nothing.
 */
import { createHash } from 'node:crypto';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * JSON for a `<script type="application/json">` element: `<` as \u003c, so no `</script>` or
 * `<!--` in the data ends or changes the element; U+2028/2029 escaped for older parsers.
 */
export function embedJson(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export interface HtmlPage {
  /** The page's title: plain text, escaped here. */
  readonly title: string;
  /** The language of its text, e.g. vi. */
  readonly lang: string;
  /** The page's stylesheet (no inline style attributes: the policy would block them). */
  readonly style: string;
  /** The body's markup, with every inventory text already passed through escapeHtml. */
  readonly body: string;
  /** The data the script reads, as JSON text, embedded in `<script id="citycloud-data">`. */
  readonly dataJson: string;
  /** The page's script: it reads the data and draws the page. */
  readonly script: string;
}

/** The whole document, its policy allowing exactly its own script and style. */
export function htmlPage(page: HtmlPage): string {
  const csp = `default-src 'none'; script-src ${cspHash(page.script)}; style-src ${cspHash(page.style)}; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="${escapeHtml(page.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(page.title)}</title>
<style>${page.style}</style>
</head>
<body>
${page.body}
<script id="citycloud-data" type="application/json">
${embedJson(page.dataJson)}</script>
<script>${page.script}</script>
</body>
</html>
`;
}
