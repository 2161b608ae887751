/**
 * The off-site worker thread's work (started by offsite-view.ts): synthesize and check the
 * off-site stack from the input it was given, and answer with the artifacts or the refusal.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';

// The validation engine is a 9 MB WebAssembly module run once per synth, and spends its time
// building its rule tables. V8 compiles it with its baseline compiler and then re-compiles the hot
// functions with its optimizing one, on the same two cores: for one run that costs more than it
// saves (measured on the built-in city: 4.4 s and 410 MB → 2.8 s and 240 MB for the engine alone).
// The flag is the process's and only WebAssembly reads it; the only other WebAssembly here is the
// small module lexers of Node and tsx. It is set before aws-cdk-lib is loaded.
setFlagsFromString('--liftoff-only');
const { synthOffsite } = await import('./offsite-assembly.ts');

const port = parentPort;
if (!port) throw new Error('offsite-job runs on a worker thread');
const started = performance.now();
try {
  const artifacts = synthOffsite(workerData.model);
  port.postMessage({ artifacts, ms: performance.now() - started });
} catch (e) {
  const err = e as {
    name?: string;
    message?: string;
    findings?: string[];
    refusal?: string;
    modelPath?: string;
  };
  port.postMessage({
    error: {
      name: err?.name ?? 'Error',
      message: String(err?.message ?? e),
      findings: err?.findings ?? null,
      refusal: err?.refusal ?? null,
      modelPath: err?.modelPath ?? null,
    },
  });
}
