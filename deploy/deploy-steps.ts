/**
 * The deploy plan as data: for each stack, the exact command lines Terraform (or OpenTofu) runs,
 * in the stack's staged copy (deploy/stage.ts). Without approval: init against the reviewed lock
 * file, plan into a saved plan file, and show that plan as JSON for review. With approval: init
 * the same way, plan again and show it (deploy applies it only if its JSON is, but for its time,
 * the JSON that was reviewed) and apply exactly that plan — never a plan file from out/, which
 * carries a backend and a workspace of its own that no JSON shows. Printed, diffed and tested
 * before anything runs.
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
  /** Set on top of the caller's environment (less SCRUBBED_ENV). */
  readonly env: Readonly<Record<string, string>>;
}

/** The saved plan file, in each stack's folder. */
export const PLAN_FILE = 'tfplan';

/** No prompts, no colour codes, no version check calls: Terraform run by a program. */
export const AUTOMATION_ENV: Readonly<Record<string, string>> = {
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
};

/**
 * Variables of the caller's environment the tools never see: each would make them do other than
 * the reviewed plan says — extra arguments on every command, another workspace (and so another
 * state), a working folder outside the staged copy, a plugin cache allowed to bypass the lock file,
 * a provider process attached from outside, values for variables.
 */
export const SCRUBBED_ENV: readonly RegExp[] = [
  /^TF_CLI_ARGS(_\w+)?$/,
  /^TF_WORKSPACE$/,
  /^TF_DATA_DIR$/,
  /^TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE$/,
  // a provider already running, attached instead of the one the lock file pins
  /^TF_REATTACH_PROVIDERS$/,
  // values for the configuration's variables, which the review never saw
  /^TF_VAR_/,
];

/** `init` that installs only providers whose packages match the reviewed lock file, and changes none of it. */
const INIT = ['init', '-input=false', '-no-color', '-lockfile=readonly'];

export function deploySteps(options: {
  readonly tool: IacTool;
  /** Each stack's staged folder. */
  readonly stacks: readonly StackDir[];
  readonly approve: boolean;
}): DeployStep[] {
  return options.stacks.flatMap((s) => {
    const step = (action: DeployStep['action'], args: string[]): DeployStep => ({
      stack: s.name,
      action,
      command: options.tool,
      args,
      cwd: s.dir,
      env: AUTOMATION_ENV,
    });
    // approved: planned again here, from the reviewed stack against the real state, and shown —
    // deploy applies that plan only if it is, change for change, the plan that was reviewed
    if (options.approve)
      return [
        step('init', INIT),
        step('plan', ['plan', '-input=false', '-no-color', `-out=${PLAN_FILE}`]),
        step('show', ['show', '-json', '-no-color', PLAN_FILE]),
        step('apply', ['apply', '-input=false', '-no-color', PLAN_FILE]),
      ];
    return [
      step('init', INIT),
      step('plan', ['plan', '-input=false', '-no-color', `-out=${PLAN_FILE}`]),
      step('show', ['show', '-json', '-no-color', PLAN_FILE]),
    ];
  });
}

/** No prompts, colours, notices or telemetry: the AWS CDK command line run by a program. */
export const CDK_ENV: Readonly<Record<string, string>> = {
  CI: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

/**
 * The off-site stack through the AWS CDK command line, on the staged copy of the reviewed cloud
 * assembly (the CLI writes into the folder it reads; out/ stays as synth wrote it). Without
 * approval: the diff against what is deployed, for review (the CLI writes it on stderr). With
 * approval: deploy through a change set, the template being the reviewed one.
 */
export function cdkSteps(options: {
  /** Path of the `cdk` command line. */
  readonly cdk: string;
  /** The staged cloud assembly the CLI works on. */
  readonly assemblyDir: string;
  readonly approve: boolean;
}): DeployStep[] {
  const common = ['--app', options.assemblyDir, '--no-color', '--no-notices'];
  const step = (action: 'diff' | 'deploy', args: string[]): DeployStep => ({
    stack: OFFSITE_STACK,
    action,
    command: options.cdk,
    args,
    cwd: options.assemblyDir,
    env: CDK_ENV,
  });
  if (options.approve)
    return [
      step('deploy', ['deploy', ...common, '--method=change-set', '--require-approval=never', OFFSITE_STACK]),
    ];
  return [step('diff', ['diff', ...common, OFFSITE_STACK])];
}
