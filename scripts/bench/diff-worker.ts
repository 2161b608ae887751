/**
 * Measures one side of the diff:10x row in this process, on two synth outputs:
 *   ours — what `citycloud diff OLD NEW --format json` does: the manifests, the changed files
 *          diffed by what they are, the risk rules, the JSON report;
 *   peer — a general deep-diff library (microdiff) on the same Terraform JSON files, each read,
 *          parsed and diffed (it has no manifest to skip the unchanged ones).
 * Prints {medianMs, peakRssMB, changes} as JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import diff from 'microdiff';
import { auditDiff } from '../../audit/audit-diff.ts';
import { reportJson } from '../../audit/format-json.ts';
import { openOutput } from '../../audit/output-side.ts';
import { measureAsync } from './harness.ts';

const [mode, before, after, warmups, runs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
let changes = 0;

async function ours(): Promise<void> {
  const report = await auditDiff(openOutput(before), openOutput(after));
  reportJson(report);
  changes = report.changes.length;
}

async function peer(): Promise<void> {
  const stacks = readdirSync(join(after, 'terraform', 'stacks')).sort();
  changes = 0;
  for (const stack of stacks) {
    const file = join('terraform', 'stacks', stack, 'cdk.tf.json');
    const a = JSON.parse(readFileSync(join(before, file), 'utf8'));
    const b = JSON.parse(readFileSync(join(after, file), 'utf8'));
    changes += diff(a, b).length;
  }
}

const result = await measureAsync(mode === 'ours' ? ours : peer, Number(warmups), Number(runs));
console.log(JSON.stringify({ ...result, changes }));
