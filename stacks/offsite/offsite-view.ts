/**
 * The off-site view: out/cloudformation/, synthesized on a worker thread. synth starts it before
 * the other views, so its seconds of validation overlap their work instead of adding to it.
 */
import { Worker } from 'node:worker_threads';
import { ConstructPropsError } from '../../constructs/construct-props-error.ts';
import { throughCache } from '../../view/cached-view.ts';
import type { Artifact, View } from '../../view/view.ts';
import { OffsiteCheckError } from './offsite-check-error.ts';
import { type OffsiteInput, offsiteInput } from './offsite-input.ts';

export interface OffsiteSynth {
  readonly artifacts: readonly Artifact[];
  /** Time the worker spent synthesizing and checking. */
  readonly ms: number;
}

interface WorkerReply {
  readonly artifacts?: Artifact[];
  readonly ms?: number;
  readonly error?: {
    name: string;
    message: string;
    findings: string[] | null;
    refusal: string | null;
    modelPath: string | null;
  };
}

/**
 * The worker thread's script: from the sources, a loader that compiles TypeScript first; from
 * the build in dist/ (this module bundled there), the built job beside it.
 */
const WORKER = import.meta.url.endsWith('.ts')
  ? new URL('./offsite-worker.mjs', import.meta.url)
  : new URL('./offsite-job.mjs', import.meta.url);

/** Runs synthOffsite on a worker thread. */
export function synthOffsiteInWorker(model: OffsiteInput): Promise<OffsiteSynth> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { model } });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.error)
        reject(
          reply.error.findings
            ? new OffsiteCheckError(reply.error.findings)
            : reply.error.name === 'ConstructPropsError'
              ? new ConstructPropsError(
                  reply.error.refusal ?? 'offsite',
                  reply.error.message,
                  reply.error.modelPath ?? undefined,
                )
              : new Error(`off-site synth: ${reply.error.message}`),
        );
      else resolve({ artifacts: reply.artifacts ?? [], ms: reply.ms ?? 0 });
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled) reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`off-site synth worker stopped (exit code ${code}) before answering`));
    });
  });
}

export const offsiteView: View = {
  name: 'offsite',
  render: async (model, context) => {
    const input = offsiteInput(model);
    let ms: number | null = null;
    const r = await throughCache(context?.cache, 'cloudformation/offsite', input, async () => {
      const done = await synthOffsiteInWorker(input);
      ms = done.ms;
      return done.artifacts;
    });
    context?.progress?.(
      ms === null
        ? 'stack offsite: from cache'
        : `stack offsite: synthesized and checked in ${(ms / 1000).toFixed(1)} s (worker thread)`,
    );
    return r.artifacts;
  },
};
