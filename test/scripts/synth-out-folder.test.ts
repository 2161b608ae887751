/** What `citycloud synth` will and will not replace, and what it does after a synth was killed. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import { treeDigest } from './bad-inventories/corpus.ts';

// above Linux's pid_max: the pid of a synth that is gone
const DEAD = 2 ** 22 + 1;

describe('citycloud synth --out', () => {
  let previous = '';
  let cache = '';
  beforeAll(() => {
    const dir = tempDir();
    previous = join(dir, 'out');
    cache = join(dir, 'cache');
    const r = runCli(['synth', '-i', SMALL_CITY, '--out', previous, '--cache', cache]);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    [
      'a web app',
      { 'manifest.json': '{"name": "Phố", "icons": []}', 'README.md': '# app', 'src/index.js': 'main()' },
    ],
    [
      'a cdk.out',
      {
        'manifest.json': '{"version": "36.0.0", "artifacts": {}}',
        'README.md': 'cdk',
        'src/app.ts': 'new App()',
      },
    ],
  ])('refuses %s folder that happens to hold a manifest.json, and deletes nothing (exit 2)', (_, content) => {
    const mine = tempDir();
    for (const [name, text] of Object.entries(content)) {
      mkdirSync(join(mine, name, '..'), { recursive: true });
      writeFileSync(join(mine, name), text);
    }
    const before = treeDigest(mine);
    const r = runCli(['synth', '-i', SMALL_CITY, '--out', mine, '--cache', cache]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /its manifest\.json has no "format" field, so it is not a citycloud output/,
    );
    expect(treeDigest(mine)).toEqual(before);
  });

  it.each(['/', '//'])('refuses %s instead of writing into the current folder (exit 2)', (out) => {
    const cwd = tempDir();
    const r = runCli(['synth', '-i', SMALL_CITY, '--out', out, '--cache', cache], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      '/: is the root of the file system, which synth would replace whole; choose another --out, such as out/',
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses an output inside another output, whose next synth would delete it (exit 2)', () => {
    const before = treeDigest(previous);
    const r = runCli(['synth', '-i', SMALL_CITY, '--out', join(previous, 'sub'), '--cache', cache]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /sub: is inside .*out, another citycloud output, whose next synth would delete it; choose a folder outside every output/,
    );
    expect(treeDigest(previous)).toEqual(before);
  });

  it('puts back the output a killed synth had set aside, removes its unfinished one, and says so', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    cpSync(previous, join(dir, `out.old-${DEAD}`), { recursive: true });
    mkdirSync(join(dir, `out.tmp-${DEAD}`));
    writeFileSync(join(dir, `out.tmp-${DEAD}`, 'half.json'), '{"half');
    const r = runCli(['synth', '-i', SMALL_CITY, '--out', 'out', '--cache', cache], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toContain('citycloud-manifest/v1');
    expect(r.stderr).toContain(
      `citycloud: restored out from out.old-${DEAD}: a synth (pid ${DEAD}) was killed while replacing it`,
    );
    expect(r.stderr).toContain(
      `citycloud: removed out.tmp-${DEAD}: the unfinished output of a synth (pid ${DEAD}) that was killed`,
    );
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('stops on SIGTERM with exit 143, leaving the previous output whole and nothing beside it', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    cpSync(previous, out, { recursive: true });
    const before = treeDigest(out);
    // no cache: the synth renders for seconds; it is stopped as soon as it says it has started
    const child = spawn(
      process.execPath,
      [BIN, 'synth', '-i', SMALL_CITY, '--out', out, '--no-cache', '-v'],
      {
        cwd: dir,
      },
    );
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
        if (stderr.includes('… ') && !child.killed) child.kill('SIGTERM');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(143);
    expect(stderr).toContain('citycloud: SIGTERM: stopped;');
    expect(treeDigest(out)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toContain('citycloud-manifest/v1');
  });
});
