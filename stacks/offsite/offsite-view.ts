/**
 * The off-site view: out/cloudformation/, synthesized on a worker thread. synth starts it before
 * the other views, so its seconds of validation overlap their work instead of adding to it.
 */
import { Worker } from 'node:worker_threads';
import type { CityModel } from '../../model/index.ts';
import type { Artifact, View } from '../view.ts';
import { OffsiteCheckError } from './offsite-assembly.ts';

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
export function synthOffsiteInWorker(model: CityModel): Promise<OffsiteSynth> {
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

export const offsiteView: View = {
  name: 'offsite',
  render: async (model) => (await synthOffsiteInWorker(model)).artifacts,
};
