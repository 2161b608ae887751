/**
 * The off-site view: out/cloudformation/, synthesized on a worker thread. synth starts it before
 * the other views, so its seconds of validation overlap their work instead of adding to it.
 */
import { Worker } from 'node:worker_threads';
import type { Artifact, View } from '../view.ts';
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
  readonly error?: { name: string; message: string; findings: string[] | null };
}

/** Runs synthOffsite on a worker thread. */
export function synthOffsiteInWorker(model: OffsiteInput): Promise<OffsiteSynth> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./offsite-worker.mjs', import.meta.url), { workerData: { model } });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.error)
        reject(
          reply.error.findings
            ? new OffsiteCheckError(reply.error.findings)
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

interface StoredArtifact {
  readonly path: string;
  readonly base64: string;
}

export const offsiteView: View = {
  name: 'offsite',
  render: async (model, context) => {
    const input = offsiteInput(model);
    const cache = context?.cache;
    const key = cache?.key('cloudformation/offsite', input);
    const stored = cache && key ? cache.get(key) : null;
    if (stored !== null) {
      context?.progress?.('stack offsite: from cache');
      return (JSON.parse(stored) as StoredArtifact[]).map((a) => ({
        path: a.path,
        content: Buffer.from(a.base64, 'base64'),
      }));
    }
    const { artifacts, ms } = await synthOffsiteInWorker(input);
    context?.progress?.(
      `stack offsite: synthesized and checked in ${(ms / 1000).toFixed(1)} s (worker thread)`,
    );
    if (cache && key)
      cache.put(
        key,
        JSON.stringify(
          artifacts.map((a) => ({ path: a.path, base64: Buffer.from(a.content).toString('base64') })),
        ),
      );
    return artifacts;
  },
};
