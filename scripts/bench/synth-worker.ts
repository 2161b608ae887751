/**
 * Measures one side of the synth bench in this process, from its start (module loading counts):
 *   ours  — `citycloud synth`'s pipeline: load the inventory, every view (the off-site stack on
 *           its worker thread), manifest, atomic write; with a cache folder, or none (`-`);
 *   peer  — what a user without citycloud would run, one after the other: the naive cdktf app (the
 *           same stacks' constructs in one App, written by app.synth() as `cdktf synth` does, stack
 *           traces and validation on, source maps off), then the AWS CDK app of the same off-site
 *           resources with cdk-nag's AWS Solutions pack and aws-cdk-lib's built-in validation on.
 *           The peer reports offsiteMs too: the AWS CDK app's share of its time.
 * The bench runs it compiled (scripts/build.mjs, as the command line is built), so both sides run
 * compiled JavaScript. Prints {medianMs, peakRssMB, resources, offsiteMs?} as JSON (one run:
 * medianMs is that run).
 */
import { loadCity } from '../../model/index.ts';
import { terraformPlans } from '../../stacks/terraform-view.ts';
import { synthesize } from '../../synth/synth.ts';
import { SynthCache } from '../../synth/synth-cache.ts';

const [mode, inventory, cacheDir, outDir] = process.argv.slice(2) as [string, string, string, string];

if (mode === 'ours') {
  const cache = cacheDir === '-' ? undefined : new SynthCache(cacheDir);
  const { model, inputs } = loadCity(inventory, { parseCache: cache?.inventoryParses() });
  if (!model) throw new Error(`${inventory} does not load`);
  let offsiteMs: number | undefined;
  const result = await synthesize({
    model,
    inputs,
    outDir,
    cache,
    progress: (line) => {
      const m = /^stack offsite: synthesized and checked in ([\d.]+) s/.exec(line);
      if (m) offsiteMs = Number(m[1]) * 1000;
    },
  });
  const ms = performance.now();
  const resources = Object.entries(result.manifest.resources)
    .filter(([, types]) => !Object.keys(types).some((t) => t.includes('::')))
    .reduce((sum, [, types]) => sum + Object.values(types).reduce((a, b) => a + b, 0), 0);
  console.log(
    JSON.stringify({
      medianMs: ms,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      resources,
      ...(offsiteMs === undefined ? {} : { offsiteMs }),
    }),
  );
} else {
  process.setSourceMapsEnabled(false);
  const { App } = await import('cdktf');
  const { CityStack } = await import('../../stacks/city-stack.ts');
  const { model } = loadCity(inventory);
  if (!model) throw new Error(`${inventory} does not load`);
  const app = new App({ outdir: outDir });
  let resources = 0;
  for (const plan of terraformPlans(model)) {
    const stack = new CityStack(app, plan.name, plan.state);
    for (const part of plan.parts) (await part.load())(stack);
  }
  app.synth();
  // the off-site tier as an AWS CDK app of its own, checked as ours is (the same stack code, in
  // this process and on this thread: no worker, no compiler flags)
  const offsiteStarted = performance.now();
  const { synthOffsite } = await import('../../stacks/offsite/offsite-assembly.ts');
  const { offsiteInput } = await import('../../stacks/offsite/offsite-input.ts');
  synthOffsite(offsiteInput(model));
  const ms = performance.now();
  for (const stack of app.node.children)
    resources += Object.values(
      ((stack as InstanceType<typeof CityStack>).toTerraform() as { resource?: Record<string, object> })
        .resource ?? {},
    ).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  console.log(
    JSON.stringify({
      medianMs: ms,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      resources,
      offsiteMs: ms - offsiteStarted,
    }),
  );
}
