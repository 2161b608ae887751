#!/usr/bin/env node
// The citycloud command. It runs the build in dist/ (npm install makes it) while that was built
// from the sources as they are; after an edit, or without a build, it runs the TypeScript sources
// through tsx — never a stale build, and no build step to forget.
import { fileURLToPath } from 'node:url';
import { currentBuild } from './current-build.mjs';

const built = currentBuild(fileURLToPath(new URL('..', import.meta.url)));
if (built) {
  // the bundle's stack traces point into the sources (CITYCLOUD_DEBUG=1 shows them)
  if (process.env.CITYCLOUD_DEBUG === '1') process.setSourceMapsEnabled(true);
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../scripts/citycloud.ts');
}
