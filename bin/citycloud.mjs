#!/usr/bin/env node
// The citycloud command. TypeScript sources run through tsx, so the bin works straight after
// `npm install` with no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/citycloud.ts');
