/**
 * The files a deploy trusts, read with the inventory: the reviewers' allowed signers and the
 * provider lock file. Each is parsed strictly (a bad line is refused at its line), confined to the
 * inventory's folder, carried into the model, written into out/ and digested in the manifest.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowedSignersText,
  formatInputProblem,
  InventoryInputError,
  loadCity,
  parseAllowedSigners,
  parseProviderLock,
  providerAddress,
  providerLockText,
} from '../../model/index.ts';
import { ROOT, runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOdIPa3b6m2Qf1U0lI3nOe3x0mjz7ZK1Dz1qD7Q3Vv1Y';
const LOCK = readFileSync(join(ROOT, 'inventory/.terraform.lock.hcl'), 'utf8');

/** The small city with a review required, its reviewers' file and (optionally) a lock file beside it. */
function cityWith(files: { signers?: string; lock?: string; signersName?: string }): string {
  const dir = tempDir();
  const city = join(dir, 'city.yaml');
  const name = files.signersName ?? 'reviewers.allowed_signers';
  writeFileSync(
    city,
    `${readFileSync(SMALL_CITY, 'utf8')}\ndeploy:\n  requireReview: true\n  allowedSigners: ${name}\n`,
  );
  if (files.signers !== undefined) writeFileSync(join(dir, 'reviewers.allowed_signers'), files.signers);
  if (files.lock !== undefined) writeFileSync(join(dir, '.terraform.lock.hcl'), files.lock);
  return city;
}

function problemsOf(city: string): string[] {
  try {
    loadCity(city);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryInputError);
    return (err as InventoryInputError).problems.map((p) =>
      formatInputProblem({ ...p, file: p.file.split('/').at(-1) as string }),
    );
  }
  throw new Error('expected the city to be refused');
}

describe('the allowed-signers file', () => {
  it('lists each signer with its principals, options and key; comments and blank lines are not signers', () => {
    const { reviewers, problems } = parseAllowedSigners(
      `# the city's reviewers\n\nlan@hcmc.gov.vn ${KEY} lan's laptop\nminh@hcmc.gov.vn,*@audit.hcmc.gov.vn namespaces="citycloud-review,git" ${KEY}\r\n`,
      'reviewers',
    );
    expect(problems).toEqual([]);
    expect(reviewers).toEqual([
      { principals: 'lan@hcmc.gov.vn', options: '', key: KEY },
      {
        principals: 'minh@hcmc.gov.vn,*@audit.hcmc.gov.vn',
        options: 'namespaces="citycloud-review,git"',
        key: KEY,
      },
    ]);
    // what ssh-keygen is given: one line a signer, the comment dropped
    expect(allowedSignersText(reviewers)).toBe(
      `lan@hcmc.gov.vn ${KEY}\nminh@hcmc.gov.vn,*@audit.hcmc.gov.vn namespaces="citycloud-review,git" ${KEY}\n`,
    );
  });

  it.each([
    ['no key type', 'lan@hcmc.gov.vn AAAAC3Nza', /no key type/],
    ['a key that is not base64', `lan@hcmc.gov.vn ssh-ed25519 not*base64!!`, /the key is not base64/],
    [
      'an option ssh-keygen does not know',
      `lan@hcmc.gov.vn permitopen="x" ${KEY}`,
      /options "permitopen=\\"x\\"" are not/,
    ],
    ['an escape sequence', `lan\u001b[31m@x ${KEY}`, /a control character/],
    ['principals with a quote', `"lan ${KEY}`, /principals|no key type/],
  ])('refuses a line with %s, at its line', (_what, line, says) => {
    const { reviewers, problems } = parseAllowedSigners(`# ok\n${line}\n`, 'reviewers');
    expect(reviewers).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'reviewers', line: 2 });
    expect(problems[0]?.message).toMatch(says);
  });

  it('is read with the inventory into the model, written into out/ and digested in the manifest', () => {
    const city = cityWith({ signers: `# reviewers\nlan@hcmc.gov.vn ${KEY}\n` });
    const { model, inputs } = loadCity(city);
    expect(model?.deploy.reviewers).toEqual([{ principals: 'lan@hcmc.gov.vn', options: '', key: KEY }]);
    expect(inputs.map((i) => i.path)).toEqual(['city.yaml', 'reviewers.allowed_signers']);
    const out = join(tempDir(), 'out');
    expect(runCli(['synth', '-i', city, '--out', out, '--no-cache']).code).toBe(0);
    expect(readFileSync(join(out, 'deploy/allowed_signers'), 'utf8')).toBe(`lan@hcmc.gov.vn ${KEY}\n`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.map((a: { path: string }) => a.path)).toContain('deploy/allowed_signers');
    expect(manifest.inputs.map((a: { path: string }) => a.path)).toEqual([
      'city.yaml',
      'reviewers.allowed_signers',
    ]);
  });

  it('is refused when missing, empty of signers, outside the inventory’s folder or a link out of it (exit 2)', () => {
    expect(problemsOf(cityWith({}))).toEqual([
      expect.stringMatching(
        /^city\.yaml:\d+:\d+: deploy\.allowedSigners "reviewers\.allowed_signers": cannot read it: no such file; expected an OpenSSH allowed-signers file, readable$/,
      ),
    ]);
    expect(problemsOf(cityWith({ signers: '# nobody\n' }))).toEqual([
      expect.stringMatching(/lists no signer; expected at least one reviewer's key$/),
    ]);
    expect(problemsOf(cityWith({ signersName: '../elsewhere' }))[0]).toMatch(
      /is outside the inventory's folder/,
    );
    const linked = cityWith({ signersName: 'linked' });
    const outside = join(tempDir(), 'keys');
    writeFileSync(outside, `mallory ${KEY}\n`);
    symlinkSync(outside, join(linked, '..', 'linked'));
    expect(problemsOf(linked)[0]).toMatch(/leads through a symbolic link outside the inventory's folder/);
    const r = runCli(['validate', '-i', cityWith({ signers: `lan ${KEY}\nbroken line\n` })]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/reviewers\.allowed_signers:2:1: no key type/);
  });
});

describe('the provider lock file', () => {
  it('reads the built-in city’s lock file and writes it back in the layout Terraform writes', () => {
    const { providers, problems } = parseProviderLock(LOCK, 'lock');
    expect(problems).toEqual([]);
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({
      address: 'registry.terraform.io/hashicorp/kubernetes',
      version: '2.38.0',
      constraints: '2.38.0',
    });
    expect(providers[0]?.hashes).toHaveLength(13);
    const text = providerLockText(providers);
    // the same providers read back: the written file is the reviewed one, without the comments
    expect(parseProviderLock(text, 'again').providers).toEqual(providers);
    expect(text).toMatch(
      /^provider "registry\.terraform\.io\/hashicorp\/kubernetes" \{\n {2}version {5}= "2\.38\.0"\n/m,
    );
  });

  it.each([
    ['a resource block', 'resource "x" "y" {\n}\n', /"resource \\"x\\" \\"y\\" \{" is not a provider block/],
    [
      'an interpolation in a hash',
      // an HCL template, not a JavaScript one
      `provider "registry.terraform.io/hashicorp/kubernetes" {\n  version = "2.38.0"\n  hashes = [\n    "h1:$\{file("/etc/passwd")}",\n  ]\n}\n`,
      /is not an h1: or zh: hash/,
    ],
    [
      'a provider without hashes',
      'provider "registry.terraform.io/hashicorp/kubernetes" {\n  version = "2.38.0"\n}\n',
      /records no hashes/,
    ],
    ['a provider locked twice', `${LOCK}\n${LOCK.slice(LOCK.indexOf('provider "'))}`, /is locked twice/],
  ])('refuses %s at its line', (_what, text, says) => {
    const { providers, problems } = parseProviderLock(text, 'lock');
    expect(providers).toEqual([]);
    expect(problems[0]?.message).toMatch(says);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it('resolves provider sources as Terraform does', () => {
    expect(providerAddress('kubernetes')).toBe('registry.terraform.io/hashicorp/kubernetes');
    expect(providerAddress('City/Kubernetes')).toBe('registry.terraform.io/city/kubernetes');
    expect(providerAddress('registry.invalid/city/kubernetes')).toBe('registry.invalid/city/kubernetes');
  });

  it('is written into out/ by synth of the built-in city, as Terraform reads it', () => {
    const city = cityWith({ signers: `lan ${KEY}\n`, lock: LOCK });
    const out = join(tempDir(), 'out');
    expect(runCli(['synth', '-i', city, '--out', out, '--no-cache']).code).toBe(0);
    const written = readFileSync(join(out, 'terraform/.terraform.lock.hcl'), 'utf8');
    expect(parseProviderLock(written, 'out').providers).toEqual(parseProviderLock(LOCK, 'in').providers);
    // Terraform itself reads it: a stack of the kubernetes provider takes the locked version (and,
    // with no registry here and an empty mirror, can install nothing else)
    const stack = tempDir();
    writeFileSync(
      join(stack, 'main.tf.json'),
      '{"terraform": {"required_providers": {"kubernetes": {"source": "kubernetes", "version": "2.38.0"}}}}',
    );
    writeFileSync(join(stack, '.terraform.lock.hcl'), written);
    writeFileSync(
      join(stack, 'cli.tfrc'),
      `provider_installation {\n  filesystem_mirror {\n    path = "${stack}/mirror"\n  }\n}\n`,
    );
    const init = spawnSync('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], {
      cwd: stack,
      encoding: 'utf8',
      env: {
        ...process.env,
        TF_IN_AUTOMATION: '1',
        CHECKPOINT_DISABLE: '1',
        TF_CLI_CONFIG_FILE: join(stack, 'cli.tfrc'),
      },
    });
    expect(init.stdout).toContain(
      'Reusing previous version of hashicorp/kubernetes from the dependency lock file',
    );
    expect(init.stderr).not.toMatch(/lock file.*(invalid|syntax)|Invalid/i);
  });

  it('refuses a lock file that is not one, at its line (exit 2)', () => {
    const r = runCli(['validate', '-i', cityWith({ signers: `lan ${KEY}\n`, lock: 'terraform {\n}\n' })]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^\S*\/\.terraform\.lock\.hcl:1:1: "terraform \{" is not a provider block; expected the lock file terraform providers lock writes$/,
    );
  });
});
