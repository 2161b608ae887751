import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, SMALL_CITY, tempDir } from '../helpers/city.ts';

// the build must sit inside the checkout: its bundles find their packages in node_modules
mkdirSync(join(ROOT, '.bench'), { recursive: true });
const built = mkdtempSync(join(ROOT, '.bench', 'build-test-'));
afterAll(() => rmSync(built, { recursive: true, force: true }));

const node = (args: readonly string[]) => {
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('npm run build', () => {
  it('compiles the command line into bundles that synthesize the same bytes as the sources', () => {
    const out = execFileSync(
      process.execPath,
      [
        'scripts/build.mjs',
        '--out',
        built,
        'citycloud=scripts/citycloud.ts',
        'offsite-job=stacks/offsite/offsite-job.ts',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out).toMatch(/^built 2 entries from \d+ sources into .* in [\d.]+ s\n$/);
    const record = JSON.parse(readFileSync(join(built, 'build.json'), 'utf8'));
    expect(Object.keys(record.inputs)).toContain('synth/synth.ts');
    expect(Object.keys(record.inputs).every((p: string) => !p.startsWith('node_modules'))).toBe(true);
    for (const f of ['citycloud.mjs', 'offsite-job.mjs']) expect(existsSync(join(built, f))).toBe(true);

    const help = node([join(built, 'citycloud.mjs'), '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('synth');

    const dir = tempDir();
    const fromBuild = node([
      join(built, 'citycloud.mjs'),
      'synth',
      '-i',
      SMALL_CITY,
      '-o',
      join(dir, 'built'),
      '--no-cache',
    ]);
    expect(fromBuild.code).toBe(0);
    const fromSources = node([
      '--import',
      'tsx',
      'scripts/citycloud.ts',
      'synth',
      '-i',
      SMALL_CITY,
      '-o',
      join(dir, 'sources'),
      '--no-cache',
    ]);
    expect(fromSources.code).toBe(0);
    // the manifest holds every artifact's digest, the off-site assembly's (from the built worker) too
    const manifest = readFileSync(join(dir, 'built', 'manifest.json'), 'utf8');
    expect(manifest).toContain('cloudformation/offsite.template.json');
    expect(manifest).toBe(readFileSync(join(dir, 'sources', 'manifest.json'), 'utf8'));
  }, 120_000);

  it('does not record as current a source changed while it was built', () => {
    // a source whose time of change is past the build's start: saved while esbuild read it
    const dir = mkdtempSync(join(ROOT, '.bench', 'build-race-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(entry, 'console.log("as read");\n');
      const later = new Date(Date.now() + 60_000);
      utimesSync(entry, later, later);
      const r = node(['scripts/build.mjs', '--out', join(dir, 'out'), `entry=${relative(ROOT, entry)}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('sources kept changing while it was built: citycloud runs the sources');
      const record = JSON.parse(readFileSync(join(dir, 'out', 'build.json'), 'utf8'));
      expect(record.unsettled).toBe(true);
      expect(record.inputs).toBeUndefined();
      // settled once its time of change is before the build
      const earlier = new Date(Date.now() - 60_000);
      utimesSync(entry, earlier, earlier);
      const again = node(['scripts/build.mjs', '--out', join(dir, 'out'), `entry=${relative(ROOT, entry)}`]);
      expect(again.stdout).toMatch(/^built 1 entries from 1 sources/);
      expect(Object.keys(JSON.parse(readFileSync(join(dir, 'out', 'build.json'), 'utf8')).inputs)).toEqual([
        relative(ROOT, entry),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses arguments it does not know, with its usage', () => {
    const r = node(['scripts/build.mjs', '--into', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('usage: node scripts/build.mjs [--out DIR NAME=SOURCE…]\n');
  });
});
