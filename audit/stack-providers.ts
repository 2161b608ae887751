/**
 * The providers a Terraform JSON stack requires (`terraform.required_providers`), as registry
 * addresses, and the reviewed lock file's entries for exactly those: `terraform init
 * -lockfile=readonly` accepts a lock file that pins exactly the providers the configuration needs.
 */
import { type LockedProvider, providerAddress } from '../model/index.ts';

/** The registry a bare provider source resolves to, per tool. */
export const REGISTRY = { terraform: 'registry.terraform.io', tofu: 'registry.opentofu.org' } as const;

export type StackProviders =
  | { readonly providers: readonly LockedProvider[] }
  | { readonly unpinned: readonly string[] };

/** The lock entries a stack needs, or the addresses the lock does not pin. */
export function stackProviders(
  stack: unknown,
  lock: readonly LockedProvider[],
  tool: keyof typeof REGISTRY,
): StackProviders {
  const required = (stack as { terraform?: { required_providers?: Record<string, { source?: unknown }> } })
    ?.terraform?.required_providers;
  const addresses = Object.entries(required ?? {})
    .map(([name, r]) => providerAddress(typeof r?.source === 'string' ? r.source : name, REGISTRY[tool]))
    .sort();
  const byAddress = new Map(lock.map((p) => [p.address.toLowerCase(), p]));
  const unpinned = addresses.filter((a) => !byAddress.has(a));
  if (unpinned.length > 0) return { unpinned };
  return { providers: addresses.map((a) => byAddress.get(a) as LockedProvider) };
}
