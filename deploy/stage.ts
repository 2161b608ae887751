/**
 * The staged copy deploy runs the tools in: a fresh private folder (mode 0700) holding exactly the
 * checked bytes of the reviewed tool inputs — each stack's cdk.tf.json with the reviewed lock
 * file's entries for the providers it needs (`terraform init -lockfile=readonly` verifies every
 * provider package against them), the off-site cloud assembly. Nothing else of out/ is there: no
 * `.terraform/`, no plan, no stray file.
 *
 * The local state keeps its place: out/'s stacks name it relative to themselves
 * (`../../../../state/<stack>.tfstate`), so the copy is laid out as out/ is, with `state` beside it
 * leading to the state folder beside out/.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFiles } from '../audit/reviewed-output.ts';
import { type REGISTRY, stackProviders } from '../audit/stack-providers.ts';
import { DuplicateKeyError } from '../audit/strict-json.ts';
import { stackBlocks } from '../audit/terraform-index.ts';
import { type LockedProvider, parseProviderLock, providerLockText } from '../model/index.ts';
import { LOCAL_STATE_DIR, PROVIDER_LOCK_ARTIFACT } from '../synth/out-layout.ts';
import { DeployError } from './deploy-runner.ts';

export const stackPath = (stack: string) => `terraform/stacks/${stack}/cdk.tf.json`;

export interface StagedOutput {
  readonly root: string;
  /** The staged folder of a Terraform stack. */
  readonly stackDir: (stack: string) => string;
  /** The staged cloud assembly, when the off-site stack is staged. */
  readonly assemblyDir: string;
  readonly cleanUp: () => void;
}

/** The reviewed lock file's providers (none when the output has no lock file). */
export function reviewedLock(kept: ReadonlyMap<string, Buffer>): readonly LockedProvider[] {
  const bytes = kept.get(PROVIDER_LOCK_ARTIFACT);
  if (!bytes) return [];
  const parsed = parseProviderLock(bytes.toString('utf8'), PROVIDER_LOCK_ARTIFACT);
  if (parsed.problems.length > 0)
    throw new DeployError(`${PROVIDER_LOCK_ARTIFACT}: ${parsed.problems[0]?.message}`, 2);
  return parsed.providers;
}

/** The lock file a stack is initialised with: the reviewed entries for exactly the providers it requires. */
export function stackLock(
  stack: string,
  bytes: Buffer,
  lock: readonly LockedProvider[],
  tool: keyof typeof REGISTRY,
): readonly LockedProvider[] {
  let json: unknown;
  try {
    // only its blocks besides the resources are read: the 10x city's stacks are 20 MB
    json = stackBlocks(bytes);
  } catch (err) {
    throw new DeployError(
      err instanceof DuplicateKeyError
        ? `stack ${stack}: in its cdk.tf.json ${err.message}: Terraform would read it otherwise than the review did`
        : `stack ${stack}: its cdk.tf.json is not JSON`,
      2,
    );
  }
  const needs = stackProviders(json, lock, tool);
  if ('unpinned' in needs)
    throw new DeployError(
      `stack ${stack} requires ${needs.unpinned.join(', ')}, which no reviewed lock file pins: commit .terraform.lock.hcl beside the inventory (terraform providers lock) and have it reviewed with the change`,
      2,
    );
  return needs.providers;
}

export function stageOutput(o: {
  readonly outDir: string;
  readonly kept: ReadonlyMap<string, Buffer>;
  readonly stacks: readonly string[];
  readonly offsite: boolean;
  readonly tool: keyof typeof REGISTRY;
}): StagedOutput {
  const root = mkdtempSync(join(tmpdir(), 'citycloud-deploy-'));
  const cleanUp = () => rmSync(root, { recursive: true, force: true });
  try {
    const files = new Map<string, Uint8Array>();
    const lock = reviewedLock(o.kept);
    for (const stack of o.stacks) {
      const bytes = o.kept.get(stackPath(stack));
      if (!bytes) throw new DeployError(`stack ${stack} is not in the reviewed output`, 2);
      files.set(`out/${stackPath(stack)}`, bytes);
      const providers = stackLock(stack, bytes, lock, o.tool);
      if (providers.length > 0)
        files.set(
          `out/terraform/stacks/${stack}/.terraform.lock.hcl`,
          Buffer.from(providerLockText(providers)),
        );
    }
    if (o.offsite)
      for (const [path, bytes] of o.kept)
        if (path.startsWith('cloudformation/')) files.set(`out/${path}`, bytes);
    writeFiles(root, files);
    const state = resolve(o.outDir, '..', LOCAL_STATE_DIR);
    mkdirSync(state, { recursive: true });
    symlinkSync(state, join(root, LOCAL_STATE_DIR));
    return {
      root,
      stackDir: (stack) => join(root, 'out', 'terraform', 'stacks', stack),
      assemblyDir: join(root, 'out', 'cloudformation'),
      cleanUp,
    };
  } catch (err) {
    cleanUp();
    throw err;
  }
}
