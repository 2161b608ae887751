/**
 * Measures one side of the deploy-stage:10x row in this process, on a synth output of the 10x city:
 *   ours — what `citycloud deploy` does before any tool runs: its gate (every file out/ holds read
 *          once, bounded, and checked against the manifest's digest; nothing else in the folder),
 *          then the staged private copy of every stack and the cloud assembly from the checked
 *          bytes, with each stack's lock file;
 *   peer — `cp -r` of the output folder (which checks nothing).
 * Both remove what they made within the run. Prints {medianMs, peakRssMB, bytes} as JSON.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openGate } from '../../deploy/review-gate.ts';
import { stageOutput } from '../../deploy/stage.ts';
import { artifactRole, DEPLOY_ORDER_FILE, isToolInput } from '../../synth/out-layout.ts';
import { measureAsync } from './harness.ts';

const [mode, out, warmups, runs] = process.argv.slice(2) as [string, string, string, string];
const records = mkdtempSync(join(tmpdir(), 'citycloud-bench-record-'));
let bytes = 0;

async function ours(): Promise<void> {
  const gate = await openGate({
    outDir: out,
    recordDir: records,
    phase: 'plan',
    keep: (p) => {
      const r = artifactRole(p);
      return r !== null && (isToolInput(r) || p === DEPLOY_ORDER_FILE);
    },
  });
  const stacks = [...gate.reviewed.keys()].flatMap((p) => {
    const r = artifactRole(p);
    return r?.role === 'terraform-stack' ? [r.stack] : [];
  });
  const staged = stageOutput({ outDir: out, kept: gate.kept, stacks, offsite: true, tool: 'terraform' });
  bytes = [...gate.kept.values()].reduce((n, b) => n + b.byteLength, 0);
  staged.cleanUp();
}

async function peer(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-bench-cp-'));
  execFileSync('cp', ['-r', out, join(dir, 'out')]);
  rmSync(dir, { recursive: true, force: true });
}

const result = await measureAsync(mode === 'ours' ? ours : peer, Number(warmups), Number(runs));
rmSync(records, { recursive: true, force: true });
console.log(JSON.stringify({ ...result, bytes }));
