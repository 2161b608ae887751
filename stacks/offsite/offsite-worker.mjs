// Synthesizes the off-site stack on a worker thread, so that aws-cdk-lib's template validation
// (seconds, hundreds of MB) runs on the second core while the main thread renders the rest.
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// The validation engine is a 9 MB WebAssembly module run once per synth, and spends its time
// building its rule tables. V8 compiles it with its baseline compiler and then re-compiles the hot
// functions with its optimizing one, on the same two cores: for one run that costs more than it
// saves (measured on the built-in city: 4.4 s and 410 MB → 2.8 s and 240 MB for the engine alone).
// The flag is the process's and only WebAssembly reads it; the only other WebAssembly here is the
// small module lexers of Node and tsx.
setFlagsFromString('--liftoff-only');
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
