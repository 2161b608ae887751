/**
 * Two synth outputs of the built-in city for the audit tests: as it is, and after five changes an
 * auditor must see — a rack of the management pool removed (its tenant's request lowered to
 * fit), the meeting tenant allowed to reach the population warehouse (a network policy opened),
 * the DistrictIsolated alert loosened (0.5 → 0.8 of a district's points down), the population
 * warehouse shrunk from 3 replicas to 2, ward w26734 renumbered, and the NodeBondingDegraded
 * alert dropped (monitoring.disabledAlerts).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_CITY, ROOT, runCli, tempDir } from './city.ts';

export interface AuditOutputs {
  readonly dir: string;
  readonly before: string;
  readonly after: string;
  /** The changed inventory's folder (a copy of inventory/). */
  readonly inventory: string;
  readonly cache: string;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from))
    throw new Error(`${file} has no ${JSON.stringify(from)}: the built-in city changed`);
  writeFileSync(file, text.replace(from, to));
}

/** The six changes, made to a copy of the built-in inventory in `dir`. */
export function changedInventory(dir: string): string {
  cpSync(join(ROOT, 'inventory'), dir, { recursive: true });
  edit(
    join(dir, 'datacentre.yaml'),
    '            - {id: k11, servers: [{u: 1, count: 12, model: r450, pool: mgmt}]}\n',
    '',
  );
  edit(
    join(dir, 'tenants.yaml'),
    'requests: [{pool: mgmt, cpuCores: 1200, memoryGiB: 9600}]',
    'requests: [{pool: mgmt, cpuCores: 1100, memoryGiB: 9000}]',
  );
  edit(
    join(dir, 'tenants.yaml'),
    '    requests: [{pool: meeting, cpuCores: 700, memoryGiB: 5600}]\n',
    '    requests: [{pool: meeting, cpuCores: 700, memoryGiB: 5600}]\n    reaches: [population]\n',
  );
  edit(
    join(dir, 'monitoring.yaml'),
    'districtIsolatedRatio: 0.5',
    'districtIsolatedRatio: 0.8\n  disabledAlerts: [NodeBondingDegraded]',
  );
  edit(
    join(dir, 'warehouses.yaml'),
    '    shards: 16\n    replicas: 3\n',
    '    shards: 16\n    replicas: 2\n',
  );
  edit(join(dir, 'addresses.yaml'), '    w26734: 10.32.17.0/26\n', '    w26734: 10.32.31.192/26\n');
  return join(dir, 'city.yaml');
}

export function auditOutputs(): AuditOutputs {
  const dir = tempDir('citycloud-audit-');
  const cache = join(dir, 'cache');
  const before = join(dir, 'before');
  const after = join(dir, 'after');
  const inventory = changedInventory(join(dir, 'inventory'));
  for (const [city, out] of [
    [BUILTIN_CITY, before],
    [inventory, after],
  ] as const) {
    const r = runCli(['synth', '-i', city, '--out', out, '--cache', cache]);
    if (r.code !== 0) throw new Error(`synth of ${city} failed: ${r.stdout}${r.stderr}`);
  }
  return { dir, before, after, inventory: join(dir, 'inventory'), cache };
}
