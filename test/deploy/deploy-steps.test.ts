import { describe, expect, it } from 'vitest';
import { cdkError, planSummary, providerNotInstallable, stepEnv } from '../../deploy/deploy-runner.ts';
import { cdkSteps, type DeployStep, deploySteps } from '../../deploy/deploy-steps.ts';

const ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
const stacks = [
  { name: 'platform', dir: '/stage/out/terraform/stacks/platform' },
  { name: 'tenants', dir: '/stage/out/terraform/stacks/tenants' },
];
const INIT = ['init', '-input=false', '-no-color', '-lockfile=readonly'];

describe('deploySteps', () => {
  it('plans each stack in its staged copy: init against the reviewed lock file, plan into a saved file, show it as JSON', () => {
    expect(deploySteps({ tool: 'terraform', stacks: stacks.slice(0, 1), approve: false })).toEqual([
      {
        stack: 'platform',
        action: 'init',
        command: 'terraform',
        args: INIT,
        cwd: '/stage/out/terraform/stacks/platform',
        env: ENV,
      },
      {
        stack: 'platform',
        action: 'plan',
        command: 'terraform',
        args: ['plan', '-input=false', '-no-color', '-out=tfplan'],
        cwd: '/stage/out/terraform/stacks/platform',
        env: ENV,
      },
      {
        stack: 'platform',
        action: 'show',
        command: 'terraform',
        args: ['show', '-json', '-no-color', 'tfplan'],
        cwd: '/stage/out/terraform/stacks/platform',
        env: ENV,
      },
    ]);
  });

  it('approved: plans again from the reviewed stack, shows it for the comparison, and applies exactly that plan', () => {
    const steps = deploySteps({ tool: 'tofu', stacks, approve: true });
    expect(steps.map((s) => [s.stack, s.command, ...s.args])).toEqual([
      ['platform', 'tofu', ...INIT],
      ['platform', 'tofu', 'plan', '-input=false', '-no-color', '-out=tfplan'],
      ['platform', 'tofu', 'show', '-json', '-no-color', 'tfplan'],
      ['platform', 'tofu', 'apply', '-input=false', '-no-color', 'tfplan'],
      ['tenants', 'tofu', ...INIT],
      ['tenants', 'tofu', 'plan', '-input=false', '-no-color', '-out=tfplan'],
      ['tenants', 'tofu', 'show', '-json', '-no-color', 'tfplan'],
      ['tenants', 'tofu', 'apply', '-input=false', '-no-color', 'tfplan'],
    ]);
    expect(steps.map((s) => s.cwd)).toEqual([
      ...Array(4).fill(stacks[0]?.dir),
      ...Array(4).fill(stacks[1]?.dir),
    ]);
  });

  it('runs the tools without what would make them do other than the reviewed plan says', () => {
    const env = stepEnv(deploySteps({ tool: 'terraform', stacks, approve: true })[3] as DeployStep, {
      PATH: '/usr/bin',
      TF_CLI_ARGS: '-target=x',
      TF_CLI_ARGS_apply: '-replace=y',
      TF_WORKSPACE: 'evil',
      TF_DATA_DIR: '/tmp/planted',
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: '1',
      TF_REATTACH_PROVIDERS: '{"registry.terraform.io/hashicorp/kubernetes": {}}',
      TF_VAR_token: 'x',
      TF_CLI_CONFIG_FILE: '/etc/terraformrc',
      TF_IN_AUTOMATION: '0',
    });
    expect(env).toEqual({ PATH: '/usr/bin', TF_CLI_CONFIG_FILE: '/etc/terraformrc', ...ENV });
  });
});

describe('providerNotInstallable', () => {
  it('names the provider in Terraform 1.11’s wrapped error', () => {
    const stderr = `Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider
hashicorp/kubernetes: could not connect to registry.terraform.io: failed to
request discovery document: Get
"https://registry.terraform.io/.well-known/terraform.json": dial tcp: lookup
registry.terraform.io on 10.255.255.53:53: no such host`;
    expect(providerNotInstallable(stderr)).toBe('hashicorp/kubernetes');
  });

  it('is null for other init failures', () => {
    expect(providerNotInstallable('Error: Invalid JSON body')).toBeNull();
  });
});

describe('planSummary', () => {
  it('counts what a plan adds, changes and destroys', () => {
    const plan = JSON.stringify({
      resource_changes: [
        { change: { actions: ['create'] } },
        { change: { actions: ['update'] } },
        { change: { actions: ['delete', 'create'] } },
        { change: { actions: ['no-op'] } },
      ],
    });
    expect(planSummary(plan)).toEqual({ add: 2, change: 1, destroy: 1 });
  });
});

describe('cdkSteps', () => {
  const CDK_ENV = { CI: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
  it('diffs the off-site stack for review, on the staged copy of the assembly', () => {
    expect(cdkSteps({ cdk: '/p/node_modules/.bin/cdk', assemblyDir: '/tmp/a', approve: false })).toEqual([
      {
        stack: 'offsite',
        action: 'diff',
        command: '/p/node_modules/.bin/cdk',
        args: ['diff', '--app', '/tmp/a', '--no-color', '--no-notices', 'offsite'],
        cwd: '/tmp/a',
        env: CDK_ENV,
      },
    ]);
  });

  it('deploys through a change set without prompting once approved', () => {
    expect(cdkSteps({ cdk: 'cdk', assemblyDir: '/tmp/a', approve: true })).toEqual([
      {
        stack: 'offsite',
        action: 'deploy',
        command: 'cdk',
        args: [
          'deploy',
          '--app',
          '/tmp/a',
          '--no-color',
          '--no-notices',
          '--method=change-set',
          '--require-approval=never',
          'offsite',
        ],
        cwd: '/tmp/a',
        env: CDK_ENV,
      },
    ]);
  });
});

describe('cdkError', () => {
  const step = cdkSteps({ cdk: 'cdk', assemblyDir: '/a', approve: true })[0] as DeployStep;
  it('says to set credentials when cdk cannot resolve the account (exit 2)', () => {
    const e = cdkError(
      step,
      'Unable to resolve AWS account to use. It must be either configured when you define your CDK Stack, or through the environment\n',
      1,
    );
    expect([e.exitCode, e.message]).toEqual([
      2,
      "no AWS credentials for stack offsite: cdk deploy cannot tell which account to use; set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the city's off-site account and run deploy again",
    ]);
  });

  it('says to bootstrap an account that is not (exit 2), and gives any other failure its first line (exit 1)', () => {
    const boot = cdkError(
      step,
      "offsite failed: SSM parameter /cdk-bootstrap/hnb659fds/version not found. Has the environment been bootstrapped? Please run 'cdk bootstrap'\n",
      1,
    );
    expect(boot.exitCode).toBe(2);
    expect(boot.message).toMatch(
      /^the off-site account and region are not bootstrapped for the AWS CDK; run: npx cdk bootstrap/,
    );
    const other = cdkError(step, '\n❌  offsite failed: ValidationError: Template format error\nmore\n', 1);
    expect([other.exitCode, other.message]).toEqual([
      1,
      'cdk deploy failed for stack offsite (exit 1): ❌  offsite failed: ValidationError: Template format error',
    ]);
  });
});
