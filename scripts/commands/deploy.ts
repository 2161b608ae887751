/**
 * `citycloud deploy`: plan every Terraform stack of out/ and write each plan as JSON for review;
 * `deploy --approve` then applies exactly those saved plans (their digests are checked first).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeployError, findTool, planSummary, runDeploySteps } from '../../stacks/deploy/deploy-runner.ts';
import { deploySteps, type IacTool, PLAN_FILE, type StackDir } from '../../stacks/deploy/deploy-steps.ts';
import { EXIT } from '../cli/exit-codes.ts';

export interface DeployOptions {
  readonly out: string;
  readonly stack?: string;
  readonly approve?: boolean;
  readonly tool?: IacTool;
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The Terraform stacks synth wrote: out/terraform/stacks/<name>/cdk.tf.json. */
export function stacksIn(out: string): StackDir[] {
  const root = resolve(out, 'terraform', 'stacks');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'cdk.tf.json')))
    .map((e) => ({ name: e.name, dir: join(root, e.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function runDeploy(opts: DeployOptions): Promise<number> {
  const all = stacksIn(opts.out);
  if (all.length === 0)
    throw new DeployError(
      `no Terraform stacks in ${opts.out}/terraform/stacks; run citycloud synth first`,
      2,
    );
  const stacks = opts.stack ? all.filter((s) => s.name === opts.stack) : all;
  if (stacks.length === 0)
    throw new DeployError(
      `no stack "${opts.stack}" in ${opts.out}/terraform/stacks; the stacks are: ${all.map((s) => s.name).join(', ')}`,
      2,
    );
  const tool = findTool(opts.tool);
  const plansDir = resolve(opts.out, 'plans');
  const digestFile = (s: StackDir) => join(plansDir, `${s.name}.tfplan.sha256`);

  if (opts.approve) {
    // apply only what was reviewed: the saved plan must be there, unchanged since it was shown
    for (const s of stacks) {
      const plan = join(s.dir, PLAN_FILE);
      if (!existsSync(plan) || !existsSync(digestFile(s)))
        throw new DeployError(
          `stack ${s.name} has no reviewed plan; run citycloud deploy${opts.stack ? ` --stack ${s.name}` : ''} and review ${opts.out}/plans/${s.name}.json first`,
          2,
        );
      if (digest(plan) !== readFileSync(digestFile(s), 'utf8').trim())
        throw new DeployError(
          `the saved plan of stack ${s.name} is not the one that was reviewed; run citycloud deploy again`,
          2,
        );
    }
  }
  await runDeploySteps(deploySteps({ tool, stacks, plansDir, approve: Boolean(opts.approve) }), (line) =>
    console.error(line),
  );
  for (const s of stacks) {
    if (opts.approve) {
      console.log(`✓ ${s.name}: applied the reviewed plan`);
      continue;
    }
    writeFileSync(digestFile(s), `${digest(join(s.dir, PLAN_FILE))}\n`);
    const { add, change, destroy } = planSummary(readFileSync(join(plansDir, `${s.name}.json`), 'utf8'));
    console.log(
      `${s.name}: ${add} to add, ${change} to change, ${destroy} to destroy — plan in ${opts.out}/plans/${s.name}.json`,
    );
  }
  if (!opts.approve)
    console.log('review the plans, then apply exactly them with: citycloud deploy --approve');
  return EXIT.ok;
}
