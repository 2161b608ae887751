import { describe, expect, it } from 'vitest';
import { planSummary, providerNotInstallable } from '../../../stacks/deploy/deploy-runner.ts';
import { deploySteps } from '../../../stacks/deploy/deploy-steps.ts';

const ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
const stacks = [
  { name: 'platform', dir: '/o/terraform/stacks/platform' },
  { name: 'tenants', dir: '/o/terraform/stacks/tenants' },
];

describe('deploySteps', () => {
  it('plans each stack: init, plan into a saved file, show it as JSON for review', () => {
    expect(
      deploySteps({ tool: 'terraform', stacks: stacks.slice(0, 1), plansDir: '/o/plans', approve: false }),
    ).toEqual([
      {
        stack: 'platform',
        action: 'init',
        command: 'terraform',
        args: ['init', '-input=false', '-no-color'],
        cwd: '/o/terraform/stacks/platform',
        env: ENV,
      },
      {
        stack: 'platform',
        action: 'plan',
        command: 'terraform',
        args: ['plan', '-input=false', '-no-color', '-out=tfplan'],
        cwd: '/o/terraform/stacks/platform',
        env: ENV,
      },
      {
        stack: 'platform',
        action: 'show',
        command: 'terraform',
        args: ['show', '-json', '-no-color', 'tfplan'],
        cwd: '/o/terraform/stacks/platform',
        env: ENV,
        stdoutFile: '/o/plans/platform.json',
      },
    ]);
  });

  it('applies exactly the saved plan when approved, and plans nothing new', () => {
    expect(deploySteps({ tool: 'tofu', stacks, plansDir: '/o/plans', approve: true })).toEqual([
      {
        stack: 'platform',
        action: 'apply',
        command: 'tofu',
        args: ['apply', '-input=false', '-no-color', 'tfplan'],
        cwd: '/o/terraform/stacks/platform',
        env: ENV,
      },
      {
        stack: 'tenants',
        action: 'apply',
        command: 'tofu',
        args: ['apply', '-input=false', '-no-color', 'tfplan'],
        cwd: '/o/terraform/stacks/tenants',
        env: ENV,
      },
    ]);
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
