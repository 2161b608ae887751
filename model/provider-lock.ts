/**
 * Terraform's dependency lock file, `.terraform.lock.hcl`, as `terraform init` and `terraform
 * providers lock` write it: a `provider "<address>" { version, constraints, hashes = [ … ] }` block
 * per provider. Read strictly — only that layout, every value checked for what it may hold — and
 * written back in the same layout, so the file deploy gives `terraform init -lockfile=readonly` is
 * exactly what the review saw, with nothing in it that HCL would read as more than a string.
 */
import type { InputProblem } from './input-error.ts';

export interface LockedProvider {
  /** registry host/namespace/type, e.g. registry.terraform.io/hashicorp/kubernetes. */
  readonly address: string;
  readonly version: string;
  /** The version constraints it was selected under; null when the file records none. */
  readonly constraints: string | null;
  /** `h1:` package hashes and `zh:` zip hashes, as recorded. */
  readonly hashes: readonly string[];
}

const ADDRESS = /^[a-z0-9.-]+\/[a-z0-9_-]+\/[a-z0-9_-]+$/i;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const CONSTRAINTS = /^[0-9A-Za-z.,<>=~! -]+$/;
const HASH = /^(h1:[A-Za-z0-9+/]+={0,2}|zh:[0-9a-f]{64})$/;

/** The providers a lock file records, or its problems at their lines. */
export function parseProviderLock(
  text: string,
  file: string,
): { readonly providers: LockedProvider[]; readonly problems: InputProblem[] } {
  const providers: LockedProvider[] = [];
  const problems: InputProblem[] = [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = (i: number, message: string) =>
    problems.push({
      file,
      line: i + 1,
      column: 1,
      message: `${message}; expected the lock file terraform providers lock writes`,
    });
  let i = 0;
  while (i < lines.length && problems.length === 0) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) {
      i++;
      continue;
    }
    const open = /^provider "([^"]*)" \{$/.exec(line);
    if (!open) {
      at(i, `${JSON.stringify(line.slice(0, 60))} is not a provider block`);
      break;
    }
    const address = open[1] as string;
    if (!ADDRESS.test(address))
      at(i, `provider address ${JSON.stringify(address.slice(0, 80))} is not host/namespace/type`);
    const start = i;
    let version: string | null = null;
    let constraints: string | null = null;
    let hashes: string[] | null = null;
    for (i++; i < lines.length; i++) {
      const l = (lines[i] as string).trim();
      if (l === '}' || l === '' || l.startsWith('#')) {
        if (l === '}') break;
        continue;
      }
      const attr = /^(version|constraints)\s*=\s*"([^"\\]*)"$/.exec(l);
      if (attr) {
        if (attr[1] === 'version') version = attr[2] as string;
        else constraints = attr[2] as string;
        continue;
      }
      if (/^hashes\s*=\s*\[$/.test(l)) {
        hashes = [];
        for (i++; i < lines.length; i++) {
          const h = (lines[i] as string).trim();
          if (h === ']') break;
          const m = /^"([^"\\]*)",?$/.exec(h);
          if (!m || !HASH.test(m[1] as string)) {
            at(i, `${JSON.stringify(h.slice(0, 80))} is not an h1: or zh: hash`);
            break;
          }
          hashes.push(m[1] as string);
        }
        continue;
      }
      at(i, `${JSON.stringify(l.slice(0, 60))} is not version, constraints or hashes`);
      break;
    }
    if (problems.length > 0) break;
    if (i >= lines.length) at(start, `provider ${JSON.stringify(address)} has no closing brace`);
    else if (!version || !VERSION.test(version))
      at(start, `provider ${JSON.stringify(address)} has no version such as "2.38.0"`);
    else if (constraints !== null && !CONSTRAINTS.test(constraints))
      at(
        start,
        `provider ${JSON.stringify(address)} has constraints ${JSON.stringify(constraints)} that are not version constraints`,
      );
    else if (!hashes || hashes.length === 0)
      at(start, `provider ${JSON.stringify(address)} records no hashes`);
    else if (providers.some((p) => p.address === address))
      at(start, `provider ${JSON.stringify(address)} is locked twice`);
    else providers.push({ address, version, constraints, hashes });
    i++;
  }
  return { providers: problems.length ? [] : providers, problems };
}

/** The lock file, in the layout Terraform writes: providers by address, hashes as recorded. */
export function providerLockText(providers: readonly LockedProvider[]): string {
  const blocks = [...providers]
    .sort((a, b) => (a.address < b.address ? -1 : 1))
    .map(
      (p) =>
        `provider "${p.address}" {\n  version     = "${p.version}"\n${p.constraints !== null ? `  constraints = "${p.constraints}"\n` : ''}  hashes = [\n${p.hashes.map((h) => `    "${h}",\n`).join('')}  ]\n}\n`,
    );
  return `# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n${blocks.map((b) => `\n${b}`).join('')}`;
}

/**
 * A provider source as Terraform resolves it: `kubernetes` → registry.terraform.io/hashicorp/kubernetes,
 * `city/kubernetes` → registry.terraform.io/city/kubernetes (OpenTofu: registry.opentofu.org).
 */
export function providerAddress(source: string, registry = 'registry.terraform.io'): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `${registry}/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `${registry}/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}
