/**
 * The deploy plan as data: for each stack, the exact command lines Terraform (or OpenTofu) runs.
 * Without approval: init, plan into a saved plan file, and show that plan as JSON for review.
 * With approval: apply exactly that saved plan — no new plan is made, so what runs is what was
 * reviewed. Printed, diffed and tested before anything runs.
 */

import { OFFSITE_STACK } from '../synth/out-layout.ts';

export type IacTool = 'terraform' | 'tofu';

export interface StackDir {
  readonly name: string;
  /** The folder with the stack's cdk.tf.json. */
  readonly dir: string;
}

export interface DeployStep {
  readonly stack: string;
  readonly action: 'init' | 'plan' | 'show' | 'apply' | 'diff' | 'deploy';
  /** terraform, tofu, or the path of the AWS CDK command line. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Set on top of the caller's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the step's standard output is saved (the plan JSON), if anywhere. */
  readonly stdoutFile?: string;
  /** Where the step's standard error is saved (cdk writes its diff there), if anywhere. */
  readonly stderrFile?: string;
}

/** The saved plan file, in each stack's folder. */
export const PLAN_FILE = 'tfplan';

/** No prompts, no colour codes, no version check calls: Terraform run by a program. */
export const AUTOMATION_ENV: Readonly<Record<string, string>> = {
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
};

export function deploySteps(options: {
  readonly tool: IacTool;
  readonly stacks: readonly StackDir[];
  /** Where `show -json` of each plan is written, as `<stack>.json`. */
  readonly plansDir: string;
  readonly approve: boolean;
}): DeployStep[] {
  return options.stacks.flatMap((s) => {
    const step = (action: DeployStep['action'], args: string[], stdoutFile?: string): DeployStep => ({
      stack: s.name,
      action,
      command: options.tool,
      args,
      cwd: s.dir,
      env: AUTOMATION_ENV,
      ...(stdoutFile ? { stdoutFile } : {}),
    });
    if (options.approve) return [step('apply', ['apply', '-input=false', '-no-color', PLAN_FILE])];
    return [
      step('init', ['init', '-input=false', '-no-color']),
      step('plan', ['plan', '-input=false', '-no-color', `-out=${PLAN_FILE}`]),
      step('show', ['show', '-json', '-no-color', PLAN_FILE], `${options.plansDir}/${s.name}.json`),
    ];
  });
}

/** No prompts, colours, notices or telemetry: the AWS CDK command line run by a program. */
export const CDK_ENV: Readonly<Record<string, string>> = {
  CI: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

/**
 * The off-site stack through the AWS CDK command line, on a copy of the synthesized cloud
 * assembly (the CLI writes into the folder it reads; out/ stays as synth wrote it). Without
 * approval: the diff against what is deployed, for review. With approval: deploy through a
 * change set, the template having been checked to be the reviewed one.
 */
export function cdkSteps(options: {
  /** Path of the `cdk` command line. */
  readonly cdk: string;
  /** The copy of out/cloudformation the CLI works on. */
  readonly assemblyDir: string;
  /** Where the diff is written, as `offsite.diff.txt`. */
  readonly plansDir: string;
  readonly approve: boolean;
}): DeployStep[] {
  const common = ['--app', options.assemblyDir, '--no-color', '--no-notices'];
  const step = (action: 'diff' | 'deploy', args: string[], stderrFile?: string): DeployStep => ({
    stack: OFFSITE_STACK,
    action,
    command: options.cdk,
    args,
    cwd: options.assemblyDir,
    env: CDK_ENV,
    ...(stderrFile ? { stderrFile } : {}),
  });
  if (options.approve)
    return [
      step('deploy', ['deploy', ...common, '--method=change-set', '--require-approval=never', OFFSITE_STACK]),
    ];
  return [step('diff', ['diff', ...common, OFFSITE_STACK], `${options.plansDir}/${OFFSITE_STACK}.diff.txt`)];
}
