/**
 * Runs a deploy plan step by step with the real Terraform/OpenTofu, saving the plan JSON, and
 * turns a failure into one line that says which stack, which step, and what to do — in
 * particular a provider that cannot be installed because no registry is reachable.
 */

import { existsSync } from 'node:fs';
import { onPath } from '../exec/on-path.ts';
import { redact } from '../exec/redact.ts';
import { runArgv } from '../exec/run-argv.ts';
import { commandLine } from '../exec/shell-quote.ts';
import { UserError } from '../model/index.ts';
import { fromRoot } from '../synth/project-root.ts';
import { type DeployStep, type IacTool, SCRUBBED_ENV } from './deploy-steps.ts';

/** The deploy cannot go on; `exitCode` 2 for what the machine lacks, 1 for a failed step. */
export class DeployError extends UserError {
  /** Each finding behind a refusal (every file that differs), for a command that lists them all. */
  readonly details: readonly string[];

  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    details: readonly string[] = [],
  ) {
    // the message may quote a tool's output: never with a credential in it
    super(redact(message));
    this.details = details.map((d) => redact(d));
  }
}

/** The tool to use: the one asked for, else terraform, else tofu; says how to install when none is there. */
export function findTool(wanted?: IacTool): IacTool {
  if (wanted) {
    if (!onPath(wanted))
      throw new DeployError(
        `${wanted} is not installed (--tool ${wanted}); install it or choose --tool ${wanted === 'tofu' ? 'terraform' : 'tofu'}`,
        2,
      );
    return wanted;
  }
  if (onPath('terraform')) return 'terraform';
  if (onPath('tofu')) return 'tofu';
  throw new DeployError(
    'neither terraform nor tofu is installed; install Terraform (https://developer.hashicorp.com/terraform/install) or OpenTofu (https://opentofu.org/docs/intro/install/) and run deploy again',
    2,
  );
}

/** The AWS CDK command line installed with citycloud (aws-cdk is a dependency), else one on PATH. */
export function findCdk(): string {
  const local = fromRoot('node_modules/.bin/cdk');
  if (existsSync(local)) return local;
  if (onPath('cdk')) return 'cdk';
  throw new DeployError(
    'the AWS CDK command line is not installed; run npm install (aws-cdk is a dependency of citycloud)',
    2,
  );
}

/** The provider a failed init could not install, from Terraform's (wrapped) error text. */
export function providerNotInstallable(stderr: string): string | null {
  const text = stderr.replace(/\s+/g, ' ');
  if (!/Failed to (query available provider packages|install provider)/.test(text)) return null;
  return (
    /provider ([\w.-]+\/[\w.-]+(?:\/[\w.-]+)?)/.exec(text.slice(text.search(/Failed to/)))?.[1] ??
    'a provider'
  );
}

/** The provider whose offered package failed the lock file's checksums, from Terraform's error text. */
export function checksumMismatch(stderr: string): string | null {
  const text = stderr.replace(/\s+/g, ' ');
  if (!/doesn't match any of the checksums previously recorded in the dependency lock file/.test(text))
    return null;
  return /package for ([\w.-]+\/[\w.-]+\/[\w.-]+ [\w.-]+)/.exec(text)?.[1] ?? 'a provider';
}

function firstError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim());
  const i = lines.findIndex((l) => l.startsWith('Error:'));
  return (
    (i >= 0
      ? lines
          .slice(i, i + 3)
          .filter(Boolean)
          .join(' ')
      : lines.filter(Boolean).at(-1)) ?? 'no message'
  );
}

export interface StepResult {
  readonly step: DeployStep;
  readonly stdout: string;
  /** What the tool said on stderr, redacted (cdk writes its diff there). */
  readonly stderr: string;
}

/** The caller's environment without what SCRUBBED_ENV names, with the step's own on top. */
export function stepEnv(step: DeployStep, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([k]) => !SCRUBBED_ENV.some((r) => r.test(k))));
  return { ...kept, ...step.env };
}

/** Runs the steps in order, reporting each; stops at the first failure with a DeployError. */
export async function runDeploySteps(
  steps: readonly DeployStep[],
  log: (line: string) => void,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    log(redact(`▸ ${step.stack}: ${commandLine([step.command, ...step.args])}`));
    const r = await runArgv([step.command, ...step.args], { cwd: step.cwd, env: stepEnv(step) });
    if (r.code !== 0) {
      if (step.action === 'diff' || step.action === 'deploy') throw cdkError(step, r.stderr, r.code);
      const mismatch = step.action === 'init' ? checksumMismatch(r.stderr) : null;
      if (mismatch)
        throw new DeployError(
          `refused: ${step.command} init for stack ${step.stack} was offered a package of ${mismatch} that does not match the checksums of the reviewed lock file; nothing was installed or run — check the provider mirror (TF_CLI_CONFIG_FILE) or the registry`,
          1,
        );
      const provider = step.action === 'init' ? providerNotInstallable(r.stderr) : null;
      if (provider)
        throw new DeployError(
          `${step.command} could not install provider ${provider} for stack ${step.stack}: no registry is reachable; point ${step.command} at a mirror (provider_installation { filesystem_mirror { path = "…" } } in the CLI config named by TF_CLI_CONFIG_FILE) or run it where the registry is reachable`,
          2,
        );
      throw new DeployError(
        `${step.command} ${step.action} failed for stack ${step.stack} (exit ${r.code}): ${firstError(r.stderr)}`,
        1,
      );
    }
    // the plan's JSON is kept as the tool wrote it (Terraform marks sensitive values itself);
    // what the tool said on stderr is a log, and is redacted like one
    results.push({ step, stdout: r.stdout, stderr: redact(r.stderr) });
  }
  return results;
}

/** What the AWS CDK command line failed on, said in one line with what to do. */
export function cdkError(step: DeployStep, stderr: string, code: number): DeployError {
  const text = stderr.replace(/\s+/g, ' ');
  if (
    /Unable to resolve AWS account to use|Need to perform AWS calls for account|Could not load credentials/.test(
      text,
    )
  )
    return new DeployError(
      `no AWS credentials for stack ${step.stack}: cdk ${step.action} cannot tell which account to use; set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the city's off-site account and run deploy again`,
      2,
    );
  if (/Has the environment been bootstrapped|cdk bootstrap/.test(text))
    return new DeployError(
      `the off-site account and region are not bootstrapped for the AWS CDK; run: npx cdk bootstrap aws://<account>/<region> once, then deploy again`,
      2,
    );
  const line =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'no message';
  return new DeployError(`cdk ${step.action} failed for stack ${step.stack} (exit ${code}): ${line}`, 1);
}

/** `1 to add, 0 to change, 0 to destroy` from a plan's JSON. */
export function planSummary(planJson: string): { add: number; change: number; destroy: number } {
  const plan = JSON.parse(planJson) as { resource_changes?: { change: { actions: string[] } }[] };
  const count = { add: 0, change: 0, destroy: 0 };
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    if (a.includes('create')) count.add++;
    if (a.includes('update')) count.change++;
    if (a.includes('delete')) count.destroy++;
  }
  return count;
}
