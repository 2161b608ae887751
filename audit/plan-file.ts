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

/**
 * Why a zip is not laid out the one way Terraform (Go's archive/zip) writes a plan, or null: one
 * end record at the very end, no zip64 (a second directory some readers take and others do not —
 * a file two readers would read as two plans), the central directory just before it, the local
 * entries one after another from the start, each named as its directory entry says, no name twice.
 */
export function zipLayoutProblem(b: Uint8Array): string | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (at: number) => (at + 4 <= b.byteLength ? v.getUint32(at, true) : -1);
  const u16 = (at: number) => (at + 2 <= b.byteLength ? v.getUint16(at, true) : -1);
  const end = b.byteLength - 22;
  if (end < 0 || u32(end) !== 0x06054b50 || u16(end + 20) !== 0)
    return 'no end record at its very end (or a comment after it)';
  if (end >= 20 && u32(end - 20) === 0x07064b50) return 'a zip64 directory, which Terraform does not write';
  const [disk, cdDisk, here, total, size, offset] = [
    u16(end + 4),
    u16(end + 6),
    u16(end + 8),
    u16(end + 10),
    u32(end + 12),
    u32(end + 16),
  ];
  if (disk !== 0 || cdDisk !== 0 || here !== total) return 'more than one disk';
  if (offset + size !== end) return 'its central directory is not just before its end record';
  const names = new Set<string>();
  let at = offset;
  let local = 0;
  for (let i = 0; i < total; i++) {
    if (u32(at) !== 0x02014b50) return `directory entry ${i + 1} is not one`;
    const flags = u16(at + 8);
    const compressed = u32(at + 20);
    const [nameLength, extraLength, commentLength] = [u16(at + 28), u16(at + 30), u16(at + 32)];
    const localAt = u32(at + 42);
    const name = Buffer.from(b.subarray(at + 46, at + 46 + nameLength)).toString('latin1');
    if (compressed === 0xffffffff || localAt === 0xffffffff)
      return 'zip64 sizes, which Terraform does not write';
    if (names.has(name)) return `two entries named ${JSON.stringify(name.slice(0, 60))}`;
    names.add(name);
    if (name.startsWith('/') || name.split('/').includes('..'))
      return `an entry named ${JSON.stringify(name.slice(0, 60))}`;
    if (localAt !== local || u32(local) !== 0x04034b50)
      return `entry ${JSON.stringify(name.slice(0, 60))} is not where the entries before it end`;
    const [localName, localExtra] = [u16(local + 26), u16(local + 28)];
    if (Buffer.from(b.subarray(local + 30, local + 30 + localName)).toString('latin1') !== name)
      return `entry ${JSON.stringify(name.slice(0, 60))} is named otherwise in its local header`;
    local += 30 + localName + localExtra + compressed;
    // a data descriptor after the data (Go writes one): with its signature 16 bytes, without 12
    if (flags & 8) local += u32(local) === 0x08074b50 ? 16 : 12;
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== end) return 'its central directory holds more than its entries';
  if (local !== offset) return 'bytes between its last entry and its directory';
  return null;
}

/** The parts of a saved plan that say what it was made from; AuditInputError when it is not a plan. */
export function readSavedPlan(bytes: Uint8Array, file: string): SavedPlan {
  const layout = zipLayoutProblem(bytes);
  if (layout)
    throw new AuditInputError(
      `${file}: not a saved plan as Terraform writes one (${layout}); run citycloud deploy again`,
    );
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
