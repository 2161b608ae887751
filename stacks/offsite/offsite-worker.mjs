// The off-site worker thread when citycloud runs from its sources: TypeScript through tsx, then
// the job (offsite-job.ts). Run from the build in dist/, the thread starts the built job directly.
import { register } from 'tsx/esm/api';

register();
await import('./offsite-job.ts');
