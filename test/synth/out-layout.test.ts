/**
 * The layout of out/ that deploy, verify and the diff trust: every file synth writes has a role,
 * and a file synth never writes — one Terraform, OpenTofu or the AWS CDK would read all the same —
 * has none, so no review of a citycloud output can carry it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { artifactRole, isToolInput } from '../../synth/out-layout.ts';
import { BUILTIN_CITY, runCli, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import { hostileCity } from '../helpers/hostile-city.ts';

const artifactsOf = (inventory: string): string[] => {
  const out = join(tempDir(), 'out');
  const r = runCli(['synth', '-i', inventory, '--out', out, '--no-cache']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).artifacts.map(
    (a: { path: string }) => a.path,
  );
};

describe('the paths synth writes', () => {
  it('each have a role: the built-in city, the small city sharded 3 ways, the hostile city', () => {
    const sharded = smallCity();
    sharded.monitoring = { ...sharded.monitoring, shards: 3 };
    const paths = [
      ...artifactsOf(BUILTIN_CITY),
      ...artifactsOf(writeCity({ 'city.yaml': stringify(sharded) })),
      ...artifactsOf(writeCity({ 'city.yaml': stringify(hostileCity()) })),
    ];
    expect(paths.filter((p) => artifactRole(p) === null)).toEqual([]);
    expect(paths).toContain('terraform/.terraform.lock.hcl');
    expect(paths).toContain('monitoring/prometheus-shard-2.yml');
    const inputs = [...new Set(paths.filter((p) => isToolInput(artifactRole(p) as never)))].sort();
    expect(inputs.filter((p) => !p.startsWith('terraform/stacks/'))).toEqual([
      'cloudformation/cdk.out',
      'cloudformation/manifest.json',
      'cloudformation/offsite.assets.json',
      'cloudformation/offsite.metadata.json',
      'cloudformation/offsite.template.json',
      'cloudformation/tree.json',
      'cloudformation/validation-report.json',
      'terraform/.terraform.lock.hcl',
    ]);
  }, 120_000);

  it.each([
    'terraform/stacks/apps/cdk_override.tf.json',
    'terraform/stacks/apps/override.tf.json',
    'terraform/stacks/apps/cdk.tofu.json',
    'terraform/stacks/apps/main.tofu',
    'terraform/stacks/apps/main.tf',
    'terraform/stacks/apps/terraform.tfvars',
    'terraform/stacks/apps/terraform.tfstate',
    'terraform/stacks/apps/.terraform/environment',
    'terraform/stacks/apps/.terraform.lock.hcl',
    'terraform/stacks/Apps/cdk.tf.json',
    'terraform/stacks/../cdk.tf.json',
    'terraform/cdk.tf.json',
    'cloudformation/asset.0123abcd/index.js',
    'cloudformation/other.template.json',
    'plans/apps.tfplan',
    'deploy/allowed_signers.bak',
  ])('has no role for %s', (path) => {
    expect(artifactRole(path)).toBeNull();
  });
});
