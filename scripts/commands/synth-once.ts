/**
 * One synth of the inventory — load, check, synthesize into out/, print what was written — as
 * `citycloud synth` runs it once and `synth --watch` at each change.
 */

import { dirname, resolve } from 'node:path';
import { ConstructPropsError } from '../../constructs/construct-props-error.ts';
import { type CityModel, hasErrors, loadCity } from '../../model/index.ts';
import { OffsiteCheckError } from '../../stacks/offsite/offsite-check-error.ts';
import { synthesize } from '../../synth/synth.ts';
import type { SynthCache } from '../../synth/synth-cache.ts';
import { shown } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { countsLines, findingJson, findingTally, printFindings, refusalLine } from '../cli/report.ts';

export interface SynthCommandOptions {
  readonly inventory: string;
  readonly out: string;
  readonly json?: boolean;
  /** Folder of the synth cache; false renders everything afresh. */
  readonly cache?: string | false;
  readonly verbose?: boolean;
}

/** One synth's exit code, and the inventory files it read (absolute paths; what a watch watches). */
export interface SynthRun {
  readonly code: number;
  readonly inventoryFiles: readonly string[];
  /** The model synthesized, when it loaded. */
  readonly model: CityModel | null;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Loads, checks and synthesizes the inventory once, with this cache (kept across runs by --watch). */
export async function synthOnce(opts: SynthCommandOptions, cache: SynthCache | undefined): Promise<SynthRun> {
  const started = performance.now();
  const [hits, misses] = [cache?.hits ?? 0, cache?.misses ?? 0];
  const { model, findings, sources, inputs } = loadCity(opts.inventory, {
    parseCache: cache?.inventoryParses(),
  });
  // the companion files (the reviewers, the provider lock) are watched and kept out of the output too
  const inventoryFiles = inputs.map((f) => resolve(dirname(resolve(opts.inventory)), f.path));
  const done = (code: number): SynthRun => ({ code, inventoryFiles, model });
  if (!model || hasErrors(findings)) {
    if (opts.json)
      console.log(JSON.stringify({ synthesized: false, findings: findings.map(findingJson) }, null, 2));
    else {
      printFindings(findings, console.log);
      console.log(
        `✗ ${shown(opts.inventory)}: ${findingTally(findings)}; nothing synthesized, ${opts.out} left as it was`,
      );
    }
    return done(EXIT.problems);
  }
  // progress goes to stderr: stdout stays the summary (or the manifest with --json)
  // each line carries the seconds since the command started, so a slow part shows where it is
  const progress = opts.verbose
    ? (line: string) =>
        process.stderr.write(
          `  … ${((performance.now() - started) / 1000).toFixed(2).padStart(6)} s  ${line}\n`,
        )
    : undefined;
  let result: Awaited<ReturnType<typeof synthesize>>;
  try {
    result = await synthesize({
      model,
      inputs,
      outDir: opts.out,
      cache,
      progress,
      keep: inventoryFiles,
      notice: (line) => console.error(`citycloud: ${line}`),
    });
  } catch (err) {
    // a construct or the off-site checks refused the city: a problem of the inventory, said as such
    if (!(err instanceof ConstructPropsError || err instanceof OffsiteCheckError)) throw err;
    if (err instanceof ConstructPropsError && err.modelPath) {
      // placed like a finding: where the object the construct refused was written
      console.log(refusalLine(err, sources));
      console.log(`✗ ${shown(opts.inventory)}: a construct refused the city`);
    } else console.log(`✗ ${shown(opts.inventory)}: ${err.message}`);
    console.log(`  nothing synthesized, ${opts.out} left as it was`);
    return done(EXIT.problems);
  }
  if (opts.json) {
    console.log(JSON.stringify(result.manifest, null, 2));
    return done(EXIT.ok);
  }
  printFindings(findings, console.log);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`✓ synthesized ${shown(opts.inventory)} into ${opts.out}/ in ${seconds} s`);
  for (const line of countsLines(result.manifest.inventory)) console.log(`  ${line}`);
  if (cache)
    console.log(
      `  cached parts (stacks and views): ${(cache.misses - misses).toLocaleString('en-US')} rendered, ${(cache.hits - hits).toLocaleString('en-US')} unchanged from ${shown(cache.dir)}`,
    );
  const total = (types: Readonly<Record<string, number>>) =>
    Object.values(types)
      .reduce((x, y) => x + y, 0)
      .toLocaleString('en-US');
  const stacks = Object.entries(result.manifest.resources);
  // CloudFormation types are AWS::Service::Thing; Terraform's are provider_thing
  const cloudFormation = ([, types]: (typeof stacks)[number]) =>
    Object.keys(types).some((t) => t.includes('::'));
  // the stacks of the platform's rows and of a warehouse's later shard groups are summed, so the
  // line stays one line for a city of a thousand rows
  const groupOf = (stack: string) =>
    /^platform-/.test(stack) ? 'platform rows' : (/^(warehouse-.+)-shards-\d+$/.exec(stack)?.[1] ?? stack);
  const groups = new Map<string, { stacks: number; resources: number }>();
  for (const [stack, types] of stacks.filter((s) => !cloudFormation(s))) {
    const g = groups.get(groupOf(stack)) ?? { stacks: 0, resources: 0 };
    g.stacks += 1;
    g.resources += Object.values(types).reduce((x, y) => x + y, 0);
    groups.set(groupOf(stack), g);
  }
  const terraform = [...groups].map(
    ([name, g]) =>
      `${name} ${g.resources.toLocaleString('en-US')}${g.stacks > 1 ? ` (${g.stacks} stacks)` : ''}`,
  );
  const aws = stacks.filter(cloudFormation).map(([stack, types]) => `${stack} ${total(types)}`);
  if (terraform.length > 0) console.log(`  Terraform resources: ${terraform.join(' · ')}`);
  if (aws.length > 0) console.log(`  CloudFormation resources: ${aws.join(' · ')}`);
  const files = result.manifest.artifacts.map((a) => a.path);
  console.log(`  ${files.length + 1} files, ${mb(result.bytes)}: manifest.json, ${files.join(', ')}`);
  return done(EXIT.ok);
}
