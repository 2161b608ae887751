/** Text from outside, printed on a terminal: no escape sequence, control or bidi override survives. */
import { describe, expect, it } from 'vitest';
import { inert } from '../../view/terminal.ts';

describe('inert', () => {
  it.each([
    ['a colour', 'red\u001b[31mtext\u001b[0m', 'redtext'],
    ['a cursor move and a clear screen', '\u001b[2J\u001b[Hok', 'ok'],
    ['a window title (OSC, BEL-ended)', '\u001b]0;pwned\u0007file', 'file'],
    ['a hyperlink (OSC 8, ST-ended)', '\u001b]8;;https://evil\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['an 8-bit CSI', 'a\u009b31mb', 'ab'],
    ['a carriage return that would overwrite the line', 'refused\r✓ verified', 'refused✓ verified'],
    ['a bell and a backspace', 'a\u0007\u0008b', 'ab'],
    ['bidi overrides', 'x\u202eevil\u202c', 'xevil'],
    ['a line break (one line stays one line)', 'one\ntwo', 'one two'],
  ])('takes out %s', (_what, input, output) => {
    expect(inert(input)).toBe(output);
  });

  it('keeps line breaks when asked, and plain text as it is', () => {
    expect(inert('one\u001b[1m\ntwo', { lines: true })).toBe('one\ntwo');
    expect(inert('✓ out/ is the output lan reviewed — 3 files')).toBe(
      '✓ out/ is the output lan reviewed — 3 files',
    );
  });
});
