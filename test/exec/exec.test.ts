/**
 * exec/: programs run from an argv with no shell between, retries with a doubling backoff, and
 * command lines printed as a shell reads them back.
 */
// integration: runs real programs (sh, printf, a missing one)

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { onPath } from '../../exec/on-path.ts';
import { withRetries } from '../../exec/retry.ts';
import { runArgv } from '../../exec/run-argv.ts';
import { commandLine, shellArg, shellQuote } from '../../exec/shell-quote.ts';

const HOSTILE = `a b'c"$(touch /tmp/pwned)\`id\`;|&\n*`;

describe('runArgv', () => {
  it('passes every argument as is, to no shell, and collects the output and the code', async () => {
    const r = await runArgv(['printf', '%s|', HOSTILE, '']);
    expect(r).toEqual({ code: 0, stdout: `${HOSTILE}||`, stderr: '' });
    const failed = await runArgv(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(failed).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('says 127 and why when the program cannot be started', async () => {
    const r = await runArgv(['/nonexistent/citycloud-tool', 'x']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('ENOENT');
  });
});

describe('onPath', () => {
  it('finds an installed program, not a missing one, and runs no name as code', () => {
    expect(onPath('sh')).toBe(true);
    expect(onPath('citycloud-no-such-tool')).toBe(false);
    expect(onPath('sh; exit 0')).toBe(false);
  });
});

describe('shell quoting', () => {
  it('reads back, through a real shell, as the argv it was made from', () => {
    const argv = ['printf', '%s\\n', HOSTILE, 'plain-word', '', "it's"];
    const line = commandLine(argv);
    expect(line.startsWith("printf '%s\\n' ")).toBe(true);
    const r = spawnSync('sh', ['-c', line], { encoding: 'utf8' });
    expect(r.stdout).toBe(`${HOSTILE}\nplain-word\n\nit's\n`);
    expect(shellArg('lan@hcmc.gov.vn')).toBe('lan@hcmc.gov.vn');
    expect(shellQuote('plain')).toBe("'plain'");
  });
});

describe('withRetries', () => {
  it('tries until one attempt succeeds, waiting twice as long each time', async () => {
    const waits: number[] = [];
    let last = Date.now();
    const attempts: string[] = [];
    const result = await withRetries(
      async ({ attempt, of }) => {
        const now = Date.now();
        if (attempt > 1) waits.push(now - last);
        last = now;
        attempts.push(`${attempt}/${of}`);
        if (attempt < 3) throw new Error(`no ${attempt}`);
        return 'done';
      },
      { attempts: 4, backoffMs: 20 },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual(['1/4', '2/4', '3/4']);
    // at least the backoff each time (a busy machine only makes the waits longer)
    expect(waits[0]).toBeGreaterThanOrEqual(19);
    expect(waits[1]).toBeGreaterThanOrEqual(39);
  });

  it('throws the last attempt’s failure after the last attempt, and no more', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async ({ attempt }) => {
          calls++;
          throw new Error(`failure ${attempt}`);
        },
        { attempts: 3, backoffMs: 1 },
      ),
    ).rejects.toThrow('failure 3');
    expect(calls).toBe(3);
  });
});
