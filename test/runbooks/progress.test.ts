/**
 * The progress a run shows quotes its journal, its lock, the fleet and Prometheus: nothing in it
 * reaches the terminal as an escape sequence, a control character or a bidi override.
 */
import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../runbooks/engine/progress.ts';

const HOSTILE = 'minh\u001b[2J\u001b]0;owned\u0007@host\u009b31m\u202eevil\r\nnext';
/** The characters a terminal acts on: C0 and C1 controls, DEL, bidi overrides and isolates. */
const live = (line: string) =>
  [...line].filter((c) => {
    const n = c.codePointAt(0) as number;
    return (
      n < 0x20 || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069)
    );
  });

describe('the plain progress', () => {
  it('shows lines, wave titles and task output as inert text, one line each', async () => {
    let shown = '';
    const reporter = new PlainReporter((t) => {
      shown += t;
    });
    reporter.line(`took over the lock from ${HOSTILE}`);
    await reporter.wave(`wave ${HOSTILE}`, [{ title: HOSTILE, run: async (update) => update(HOSTILE) }], 1);
    await reporter.task({ title: HOSTILE, run: async (update) => update(HOSTILE) });
    const lines = shown.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(live(l), l).toEqual([]);
      expect(l).toContain('minh');
      expect(l).toContain('next');
    }
  });
});
