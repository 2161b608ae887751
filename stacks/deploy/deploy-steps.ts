/**
 * The deploy plan as data: for each stack, the exact command lines Terraform (or OpenTofu) runs.
 * Without approval: init, plan into a saved plan file, and show that plan as JSON for review.
 * With approval: apply exactly that saved plan — no new plan is made, so what runs is what was
 * reviewed. Printed, diffed and tested before anything runs.
 */

export type IacTool = 'terraform' | 'tofu';

export interface StackDir {
  readonly name: string;
  /** The folder with the stack's cdk.tf.json. */
  readonly dir: string;
}

export interface DeployStep {
  readonly stack: string;
  readonly action: 'init' | 'plan' | 'show' | 'apply';
  readonly command: IacTool;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Set on top of the caller's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the step's standard output is saved (the plan JSON), if anywhere. */
  readonly stdoutFile?: string;
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
