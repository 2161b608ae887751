/**
 * `citycloud verify BUNDLE OUT`: exit 0 only when OUT is exactly the NEW side the change review
 * names, its signature is good by a reviewer the gate trusts (deploy/review-gate.ts: the
 * `--allowed-signers` file, else the reviewers of the output deployed last), it has not expired
 * and was made against the output deployed last; with `--plan-evidence`, the plans in OUT/plans
 * are the ones that review signed, made from OUT. The same checks deploy makes before any tool
 * runs — what verify passes, deploy applies, and nothing else.
 */
import { join, resolve } from 'node:path';
import { readPlansIndex } from '../../audit/plans-folder.ts';
import { checkPlans } from '../../deploy/deploy.ts';
import { DeployError } from '../../deploy/deploy-runner.ts';
import { openGate } from '../../deploy/review-gate.ts';
import { LOCAL_STATE_DIR, PLANS_DIR } from '../../synth/out-layout.ts';
import { inert, inertJson } from '../../view/terminal.ts';
import type { CommandModule } from '../cli/command-module.ts';
import { EXIT } from '../cli/exit-codes.ts';

export interface VerifyOptions {
  readonly bundle: string;
  readonly out: string;
  readonly allowedSigners?: string;
  readonly planEvidence?: string;
  readonly allowRollback?: boolean;
  readonly json?: boolean;
}

export async function runVerify(opts: VerifyOptions): Promise<number> {
  let lines: readonly string[] = [];
  let problem: DeployError | null = null;
  let reviewer = '';
  let reviewedAt = '';
  try {
    const gate = await openGate({
      outDir: opts.out,
      evidence: opts.bundle,
      planEvidence: opts.planEvidence,
      allowedSigners: opts.allowedSigners,
      allowRollback: opts.allowRollback,
      recordDir: resolve(opts.out, '..', LOCAL_STATE_DIR),
      phase: 'verify',
      keep: (p) => p.startsWith('terraform/'),
    });
    reviewer = gate.evidence?.reviewer ?? '';
    reviewedAt = gate.evidence?.reviewedAt ?? '';
    if (gate.planReview) {
      const plans = join(opts.out, PLANS_DIR);
      const index = readPlansIndexOrRefuse(plans);
      checkPlans(
        gate,
        plans,
        index,
        Object.keys(gate.planReview.stacks),
        opts.planEvidence,
        'run citycloud deploy again',
      );
    }
    lines = gate.lines;
  } catch (err) {
    if (!(err instanceof DeployError)) throw err;
    problem = err;
  }
  if (opts.json) {
    console.log(
      inertJson(
        JSON.stringify(
          {
            verified: problem === null,
            reviewer,
            reviewedAt,
            problem: problem?.message ?? null,
            differences: problem?.details ?? [],
          },
          null,
          2,
        ),
      ),
    );
    return problem ? problem.exitCode : EXIT.ok;
  }
  if (problem) {
    // the file names are out/'s: whatever they hold, they print as text
    for (const d of problem.details) console.error(inert(`✗ ${opts.out}/${d}`));
    console.error(inert(`✗ ${problem.message}`));
    return problem.exitCode;
  }
  for (const line of lines) console.log(inert(line));
  return EXIT.ok;
}

function readPlansIndexOrRefuse(plans: string) {
  try {
    return readPlansIndex(plans);
  } catch (err) {
    throw new DeployError(`no plans to check: ${(err as Error).message}`, 2);
  }
}

export const command: CommandModule = {
  register: (cli) =>
    cli
      .command('verify')
      .description(
        'check that an output folder is exactly the one a signed review bundle names, and its signature',
      )
      .argument('<bundle>', 'the review bundle (citycloud diff --evidence)')
      .argument('<out>', 'the synth output folder to check')
      .option(
        '--allowed-signers <file>',
        'the reviewers’ OpenSSH allowed-signers file (default: those of the output deployed last, from state/ beside OUT)',
      )
      .option('--plan-evidence <bundle>', 'check the plans in OUT/plans against this signed plan review too')
      .option('--allow-rollback', 'accept a review made against another output than the one deployed last')
      .option('--json', 'print the verification as JSON')
      .action(async (bundle: string, out: string, opts: Omit<VerifyOptions, 'bundle' | 'out'>) => {
        process.exitCode = await runVerify({ ...opts, bundle, out });
      }),
};
