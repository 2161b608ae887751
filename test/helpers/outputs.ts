/**
 * Synth outputs made or changed by hand for the deploy and review tests: a file added to an out/
 * with its manifest written again (as a change's author who can write to out/ would), and a
 * Terraform stack of the built-in terraform_data resources (no provider to download).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseProviderLock, providerLockText } from '../../model/index.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function filesUnder(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir))
    .sort()
    .flatMap((name) => {
      const path = dir ? `${dir}/${name}` : name;
      if (!dir && (name === 'manifest.json' || name === 'plans')) return [];
      return lstatSync(join(root, path)).isDirectory() ? filesUnder(root, path) : [path];
    });
}

/** Writes out/manifest.json again from the files out/ holds (keeping its other fields). */
export function rewriteManifest(out: string): void {
  const file = join(out, 'manifest.json');
  const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const artifacts = filesUnder(out).map((path) => {
    const bytes = readFileSync(join(out, path));
    return { path, sha256: sha256(bytes), bytes: bytes.byteLength };
  });
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        format: 'citycloud-manifest/v1',
        city: { name: 'Test', code: '00' },
        inventory: {},
        inputs: [],
        resources: {},
        ...old,
        artifacts,
      },
      null,
      2,
    )}\n`,
  );
}

/** Writes (or, with null, removes) files of out/, then its manifest again. */
export function editOutput(out: string, files: Record<string, string | Buffer | null>): void {
  for (const [path, content] of Object.entries(files)) {
    const p = join(out, path);
    if (content === null) rmSync(p, { recursive: true, force: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  }
  rewriteManifest(out);
}

/** A Terraform JSON stack of terraform_data resources; state beside out/ as synth names it. */
export function demoStack(
  resources: Record<string, unknown>,
  terraform: Record<string, unknown> = {},
): string {
  return JSON.stringify(
    {
      terraform: { backend: { local: { path: '../../../../state/demo.tfstate' } }, ...terraform },
      resource: { terraform_data: resources },
    },
    null,
    2,
  );
}

/**
 * A minimal out/ holding one demo stack and a model saying whether a review is required — and,
 * given a lock file's text, the providers it pins, in the model and as synth writes the file.
 */
export function outputWithStack(
  dir: string,
  resources: Record<string, unknown>,
  options: { requireReview?: boolean; terraform?: Record<string, unknown>; lock?: string } = {},
): string {
  const out = join(dir, 'out');
  const providerLock = options.lock ? parseProviderLock(options.lock, 'lock').providers : null;
  editOutput(out, {
    'model/city.json': `${JSON.stringify({ deploy: { requireReview: options.requireReview ?? false, providerLock } })}\n`,
    'terraform/stacks/demo/cdk.tf.json': demoStack(resources, options.terraform),
    ...(providerLock ? { 'terraform/.terraform.lock.hcl': providerLockText(providerLock) } : {}),
  });
  return out;
}
