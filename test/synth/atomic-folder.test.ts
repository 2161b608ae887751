import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverLeftovers, replaceFolder } from '../../synth/atomic-folder.ts';
import { ROOT, tempDir } from '../helpers/city.ts';

// 2^22 + 1 is above Linux's pid_max, so no process can own it: a synth that was killed
const DEAD = 2 ** 22 + 1;

const bytes = (text: string) => Buffer.from(text);

describe('replaceFolder', () => {
  it('replaces the folder whole and leaves nothing beside it', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    replaceFolder(out, new Map([['a.txt', bytes('one')]]));
    replaceFolder(out, new Map([['b/c.txt', bytes('two')]]));
    expect(readdirSync(dir)).toEqual(['out']);
    expect(existsSync(join(out, 'a.txt'))).toBe(false);
    expect(readFileSync(join(out, 'b/c.txt'), 'utf8')).toBe('two');
  });
});

describe('recoverLeftovers', () => {
  it('removes the unfinished output of a killed synth, and says so', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out'));
    mkdirSync(join(dir, `out.tmp-${DEAD}`));
    expect(recoverLeftovers(join(dir, 'out'))).toEqual([
      `removed out.tmp-${DEAD}: the unfinished output of a synth (pid ${DEAD}) that was killed`,
    ]);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('puts the previous output back when the kill came between the two renames', () => {
    const dir = tempDir();
    mkdirSync(join(dir, `out.old-${DEAD}`));
    writeFileSync(join(dir, `out.old-${DEAD}`, 'manifest.json'), 'the previous output');
    mkdirSync(join(dir, `out.tmp-${DEAD}`));
    const out = join(dir, 'out');
    expect(recoverLeftovers(out)).toEqual([
      `restored ${out} from out.old-${DEAD}: a synth (pid ${DEAD}) was killed while replacing it, so the previous output is back`,
      `removed out.tmp-${DEAD}: the unfinished output of a synth (pid ${DEAD}) that was killed`,
    ]);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('the previous output');
  });

  it('leaves the folders of a synth that is still running', () => {
    const dir = tempDir();
    mkdirSync(join(dir, `out.tmp-${process.pid}`));
    expect(recoverLeftovers(join(dir, 'out'))).toEqual([]);
    expect(readdirSync(dir)).toEqual([`out.tmp-${process.pid}`]);
  });
});

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
])('a %s in the middle of a replacement', (signal, code) => {
  // the fixture sends the signal to itself after the second of four files is written
  const run = (handler: boolean) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'manifest.json'), 'previous');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test/fixtures/scripts/interrupted-replace.ts'),
        out,
        signal,
        handler ? 'handler' : 'none',
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    return { r, dir, out };
  };

  it(`lets the replacement finish, then exits ${code} with nothing left beside the output`, () => {
    const { r, dir, out } = run(true);
    expect(r.status).toBe(code);
    expect(r.stderr).toContain(`stopped by ${signal}`);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readdirSync(out).sort()).toEqual(['1.txt', '2.txt', '3.txt', '4.txt']);
  });

  it('would leave a half-written folder without the handler (what the handler prevents)', () => {
    const { r, dir } = run(false);
    expect(r.signal).toBe(signal);
    expect(readdirSync(dir).sort()).toEqual(['out', expect.stringMatching(/^out\.tmp-\d+$/)]);
  });
});
