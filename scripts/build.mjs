// npm run build (and npm install, through "prepare"): compiles the command line into dist/ with
// esbuild — one ES module bundle per entry, code split so that what a command does not use is not
// loaded (cdktf, aws-cdk-lib), packages left to node_modules. The TypeScript sources stay the
// truth: dist/build.json records every source file the build read (size and time of change), and
// bin/citycloud.mjs runs dist/ only while they all match, the sources through tsx otherwise.
// Starting the command from the build instead of through tsx saves about 0.4 s per command.
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { commandFiles } from '../bin/current-build.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const BUILDING = join(ROOT, `dist.${process.pid}.tmp`);

/** What runs from dist/: the command line, and the off-site worker thread's job. */
export const ENTRIES = {
  citycloud: 'scripts/citycloud.ts',
  'offsite-job': 'stacks/offsite/offsite-job.ts',
};

/**
 * A source saved while esbuild reads it may be bundled as it was and recorded as it is: a file
 * whose time of change is past the build's start (less the coarse clock's lag) counts as changed
 * during the build, and the build is made again — a third time at most, after which the record
 * says it is unsettled and bin/citycloud.mjs runs the sources.
 */
const CLOCK_LAG_MS = 50;
const ATTEMPTS = 3;

export async function buildDist({ entries = ENTRIES, outdir = DIST, quiet = false } = {}) {
  const started = performance.now();
  const building = outdir === DIST ? BUILDING : `${outdir}.${process.pid}.tmp`;
  let inputs = {};
  let settled = false;
  for (let attempt = 1; attempt <= ATTEMPTS && !settled; attempt++) {
    rmSync(building, { recursive: true, force: true });
    const since = Date.now() - CLOCK_LAG_MS;
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: entries,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outdir: building,
      outExtension: { '.js': '.mjs' },
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'warning',
    });
    inputs = {};
    for (const path of Object.keys(result.metafile.inputs).sort()) {
      const s = statSync(join(ROOT, path));
      inputs[path] = { size: s.size, mtimeMs: s.mtimeMs };
    }
    settled = Object.values(inputs).every((s) => s.mtimeMs < since);
  }
  // the command modules are found by listing their folder: a module added or removed makes the build stale
  const commands = commandFiles(ROOT);
  const record = settled ? { entries, inputs, commands } : { entries, unsettled: true, commands };
  writeFileSync(join(building, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
  rmSync(outdir, { recursive: true, force: true });
  renameSync(building, outdir);
  if (!quiet)
    console.log(
      settled
        ? `built ${Object.keys(entries).length} entries from ${Object.keys(inputs).length} sources into ${outdir} in ${((performance.now() - started) / 1000).toFixed(2)} s`
        : `built ${outdir}, but sources kept changing while it was built: citycloud runs the sources until the next build`,
    );
}

// node scripts/build.mjs [--out DIR NAME=SOURCE…]: the bench builds its workers the same way (DIR
// inside the checkout: the bundles find their packages in its node_modules)
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [flag, out, ...named] = process.argv.slice(2);
  if (flag === '--out' && out && named.length > 0)
    await buildDist({
      outdir: isAbsolute(out) ? out : join(ROOT, out),
      entries: Object.fromEntries(named.map((n) => n.split('='))),
    });
  else if (flag === undefined) await buildDist();
  else {
    console.error('usage: node scripts/build.mjs [--out DIR NAME=SOURCE…]');
    process.exitCode = 2;
  }
}
