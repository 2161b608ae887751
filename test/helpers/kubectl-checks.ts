/**
 * What the tests ask the real kubectl 1.34 about the command lines and manifests citycloud makes,
 * with no API server to answer: a command line takes every flag and fails only for want of the
 * server, and a manifest List is read by kubectl itself, offline.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tempDir } from './city.ts';

/** kubectl ran the argv (`input` on its stdin), and only the server was missing. */
export function expectOnlyServerMissing(argv: readonly string[], input?: string): void {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd as string, args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  const out = `${r.stdout}${r.stderr}`;
  expect(out).toMatch(/connection refused|was refused/);
  expect(out).not.toMatch(
    /unknown flag|unknown command|unknown shorthand|See 'kubectl .* --help' for usage|Usage:|error: .*required/,
  );
  expect(r.status).not.toBe(0);
}

/** The kinds of a manifest List as kubectl reads it offline (`label --local`), which must take it whole. */
export function kindsReadOffline(kubectl: string, manifests: object): string[] {
  const file = join(tempDir(), 'manifests.json');
  writeFileSync(file, JSON.stringify(manifests));
  const r = spawnSync(
    kubectl,
    ['label', '--local', '-f', file, 'checked=yes', '-o', 'jsonpath={.kind}{"\\n"}'],
    {
      encoding: 'utf8',
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}
