/**
 * A saved Terraform plan (`terraform plan -out`) is a zip holding, besides the changes, the
 * configuration it was made from (`tfconfig/m-/…`, the root module's files byte for byte, and
 * `tfconfig/modules.json`) and the dependency lock file it was made with. `terraform apply PLAN`
 * applies that embedded configuration — so a plan is bound to a review only when what it embeds
 * is exactly the reviewed stack and lock file. Read bounded (entries, sizes), only the parts needed.
 */
import { unzipSync } from 'fflate';
import { type LockedProvider, parseProviderLock } from '../model/index.ts';
import { AuditInputError } from './audit-error.ts';

/** The most a plan's embedded configuration may hold, unpacked. */
const MAX_CONFIG_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

export interface SavedPlan {
  /** The embedded configuration's files by their path in the zip (tfconfig/m-/cdk.tf.json). */
  readonly config: ReadonlyMap<string, Uint8Array>;
  /** tfconfig/modules.json, parsed. */
  readonly modules: unknown;
  /** The providers of the lock file it was made with. */
  readonly lock: readonly LockedProvider[];
}

/** The parts of a saved plan that say what it was made from; AuditInputError when it is not a plan. */
export function readSavedPlan(bytes: Uint8Array, file: string): SavedPlan {
  const names: string[] = [];
  let unpacked = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        const wanted = f.name.startsWith('tfconfig/') || f.name === '.terraform.lock.hcl';
        if (wanted) unpacked += f.originalSize;
        if (names.length > MAX_ENTRIES || unpacked > MAX_CONFIG_BYTES)
          throw new Error(
            `more than ${MAX_ENTRIES} entries or ${MAX_CONFIG_BYTES / 1024 / 1024} MiB of configuration`,
          );
        return wanted;
      },
    });
  } catch (err) {
    throw new AuditInputError(
      `${file}: not a saved Terraform plan (${(err as Error).message.slice(0, 120)}); expected the file terraform plan -out writes`,
    );
  }
  if (!names.includes('tfplan') || !files['tfconfig/modules.json'])
    throw new AuditInputError(
      `${file}: not a saved Terraform plan (no tfplan or tfconfig/modules.json in it)`,
    );
  let modules: unknown;
  try {
    modules = JSON.parse(Buffer.from(files['tfconfig/modules.json'] as Uint8Array).toString('utf8'));
  } catch {
    throw new AuditInputError(`${file}: its tfconfig/modules.json is not JSON; not a saved Terraform plan`);
  }
  const lockText = files['.terraform.lock.hcl']
    ? Buffer.from(files['.terraform.lock.hcl']).toString('utf8')
    : '';
  const lock = parseProviderLock(lockText, `${file}:.terraform.lock.hcl`);
  if (lock.problems.length > 0)
    throw new AuditInputError(
      `${file}: the lock file in it is not one Terraform writes (${lock.problems[0]?.message})`,
    );
  const config = new Map(
    Object.entries(files)
      .filter(([name]) => name.startsWith('tfconfig/') && name !== 'tfconfig/modules.json')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return { config, modules, lock: lock.providers };
}

const lockKey = (p: LockedProvider) =>
  JSON.stringify([p.address, p.version, p.constraints, [...p.hashes].sort()]);

/**
 * Why the plan was not made from exactly `stack` (the reviewed cdk.tf.json) and `lock` (the
 * reviewed providers the stack needs), or null when it was.
 */
export function notMadeFrom(
  plan: SavedPlan,
  stack: Uint8Array,
  lock: readonly LockedProvider[],
): string | null {
  const modules = plan.modules as { Key?: unknown; Dir?: unknown }[];
  if (!Array.isArray(modules) || modules.length !== 1 || modules[0]?.Key !== '' || modules[0]?.Dir !== '.')
    return 'it embeds modules the reviewed stack does not have';
  const names = [...plan.config.keys()];
  if (names.length !== 1 || names[0] !== 'tfconfig/m-/cdk.tf.json')
    return `it embeds configuration files the review does not list (${names.map((n) => n.replace('tfconfig/m-/', '')).join(', ') || 'none'})`;
  const embedded = plan.config.get('tfconfig/m-/cdk.tf.json') as Uint8Array;
  if (Buffer.compare(Buffer.from(embedded), Buffer.from(stack)) !== 0)
    return 'the configuration it embeds is not the reviewed cdk.tf.json';
  const a = plan.lock.map(lockKey).sort();
  const b = lock.map(lockKey).sort();
  if (a.length !== b.length || a.some((k, i) => k !== b[i]))
    return 'it was made with providers other than the reviewed lock file pins';
  return null;
}
