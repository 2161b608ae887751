// Synthesizes the off-site stack on a worker thread, so that aws-cdk-lib's template validation
// (seconds, hundreds of MB) runs on the second core while the main thread renders the rest.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { synthOffsite } = await import('./offsite-assembly.ts');
const started = performance.now();
try {
  const artifacts = synthOffsite(workerData.model);
  const ms = performance.now() - started;
  parentPort.postMessage({ artifacts, ms });
} catch (e) {
  parentPort.postMessage({
    error: { name: e?.name ?? 'Error', message: String(e?.message ?? e), findings: e?.findings ?? null },
  });
}
