/**
 * The one Markdown escaper: whatever text an inventory, a plan or a file name holds, it reads as
 * that text in a rendered comment — no mention notifies, no link or image appears, no HTML runs,
 * nothing reads in another order than it is written, nothing breaks out of its line.
 */
import { describe, expect, it } from 'vitest';
import { markdownCode, markdownText } from '../../view/markdown.ts';

const ZWSP = '\u200b';

describe('markdownText', () => {
  it.each([
    ['an @mention (it would notify)', 'cc @citycloud/admins', `cc @${ZWSP}citycloud/admins`],
    ['a bare link', 'see https://evil.example/x', `see https:${ZWSP}//evil.example/x`],
    ['a www link', 'www.evil.example', `www${ZWSP}.evil.example`],
    ['an image', '![pwn](https://evil/x.png)', `\\!\\[pwn\\]\\(https:${ZWSP}//evil/x.png\\)`],
    ['a link', '[click](javascript:alert(1))', '\\[click\\]\\(javascript:alert\\(1\\)\\)'],
    ['HTML', '<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert\\(1\\)\\>'],
    ['an entity', '&lt;script&gt;', '\\&lt;script\\&gt;'],
    ['emphasis and code', '*a* _b_ `c` ~d~', '\\*a\\* \\_b\\_ \\`c\\` \\~d\\~'],
    ['a table bar', 'a | b', 'a \\| b'],
    ['a heading', '# Approved', '\\# Approved'],
    ['a list item', '- [x] done', '\\- \\[x\\] done'],
    ['a numbered item', '1. first', '1\\. first'],
    ['a quote', '> said', '\\> said'],
    ['line breaks', 'one\ntwo\r\nthree', 'one two three'],
    ['bidirectional overrides (Trojan Source)', 'admin\u202e\u2066txt.exe\u2069', 'admintxt.exe'],
    ['control characters and escapes', 'a\u0007b\u001b[31mc', 'ab\\[31mc'],
  ])('neutralises %s', (_what, input, output) => {
    expect(markdownText(input)).toBe(output);
  });

  it('leaves ordinary text as it reads', () => {
    expect(markdownText('warehouse population: 16 shards × 3 replicas, 192 TiB')).toBe(
      'warehouse population: 16 shards × 3 replicas, 192 TiB',
    );
  });
});

describe('markdownCode', () => {
  it('keeps a path as code on one line, whatever it holds', () => {
    expect(markdownCode('terraform/stacks/apps/cdk.tf.json')).toBe('`terraform/stacks/apps/cdk.tf.json`');
    expect(markdownCode('a`b\nc\u202ed')).toBe("`a'b cd`");
    expect(markdownCode(' padded ')).toBe('`  padded  `');
  });
});
