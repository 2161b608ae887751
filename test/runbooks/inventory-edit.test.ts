/**
 * Inventory edits (runbooks/engine/inventory-edit.ts), as a runbook's `inventory.edit` and the
 * capacity review's --apply make them: written only when the edited inventory validates and the
 * file still holds what the edit was made from; a server out of service is said, not refused.
 */
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, formatFinding, loadCity, serversInService } from '../../model/index.ts';
import {
  commitEdits,
  type EditedFiles,
  editedFiles,
  type InventoryEdit,
  InventoryEditRefused,
  readerOf,
} from '../../runbooks/engine/inventory-edit.ts';
import { smallCity, writeCity } from '../helpers/city.ts';

const SERVER = 'dc1-h1-r01-k01-u02';

/** A small city in a file of its own, and the edits applied to it. */
function edited(edits: readonly InventoryEdit[]) {
  const inventory = writeCity({ 'city.yaml': smallCity() });
  const load = loadCity(inventory);
  return {
    inventory,
    before: readFileSync(inventory, 'utf8'),
    files: editedFiles(edits, readerOf(inventory, load.sources)),
  };
}

const out = (server: string, reason = 'PSU failed'): InventoryEdit => ({
  file: 'city.yaml',
  yamlPath: ['outOfService'],
  op: 'append',
  value: { server, reason, since: '2026-12-05' },
});

/** Why committing the edited files is refused (it fails the test when they were written). */
function refusal(inventory: string, files: EditedFiles): InventoryEditRefused {
  try {
    commitEdits(inventory, files);
  } catch (e) {
    return e as InventoryEditRefused;
  }
  throw new Error('it was written');
}

describe('inventory edits', () => {
  it('takes a server out of service, and putting it back leaves the file as it was', () => {
    const { inventory, before, files } = edited([out(SERVER)]);
    commitEdits(inventory, files);
    const model = loadCity(inventory).model as CityModel;
    expect(model.outOfService.map((o) => o.server)).toEqual([SERVER]);
    expect(serversInService(model).map((s) => s.name)).not.toContain(SERVER);
    // the rest of the file is untouched: only the new lines differ
    expect(readFileSync(inventory, 'utf8').startsWith(before.trimEnd())).toBe(true);
    const back = editedFiles(
      [{ file: 'city.yaml', yamlPath: ['outOfService'], op: 'remove', match: { server: SERVER } }],
      readerOf(inventory, loadCity(inventory).sources),
    );
    commitEdits(inventory, back);
    expect(readFileSync(inventory, 'utf8')).toBe(before);
  });

  it('says the shortfall a server out of service leaves as a warning, not an error', () => {
    const { inventory, files } = edited([out(SERVER)]);
    commitEdits(inventory, files);
    const findings = loadCity(inventory).findings;
    expect(findings.filter((f) => f.level === 'error').map(formatFinding)).toEqual([]);
    expect(findings.filter((f) => f.level === 'warning').map((f) => f.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^while server ${SERVER} is out of service: .*keeps`)),
    );
  });

  it('writes nothing when the edited inventory does not validate, naming where', () => {
    const { inventory, before, files } = edited([out('dc1-h1-r09-k01-u01'), out(SERVER), out(SERVER)]);
    const err = refusal(inventory, files);
    expect(err).toBeInstanceOf(InventoryEditRefused);
    expect(err.exitCode).toBe(1);
    const lines = err.findings.map(formatFinding);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^.*\/city\.yaml:\d+:\d+: error .*"dc1-h1-r09-k01-u01" is out of service, but no rack holds it/,
      ),
    );
    expect(lines).toContainEqual(expect.stringContaining(`"${SERVER}" is listed out of service twice`));
    // located in the inventory, not in the copy it was checked in
    for (const f of err.findings)
      expect(f.location.file.startsWith(inventory.slice(0, -'city.yaml'.length))).toBe(true);
    expect(readFileSync(inventory, 'utf8')).toBe(before);
  });

  it('writes a file that an include links to where it leads, and nothing when refused', () => {
    const city = smallCity();
    const { datacentre, ...rest } = city;
    const inventory = writeCity({
      'city.yaml': { ...rest, include: ['dc.yaml'] },
      'real/dc.yaml': { datacentre },
    });
    const root = dirname(inventory);
    symlinkSync('real/dc.yaml', join(root, 'dc.yaml'));
    const real = join(root, 'real/dc.yaml');
    const before = readFileSync(real, 'utf8');
    const edit = (e: InventoryEdit) => editedFiles([e], readerOf(inventory, loadCity(inventory).sources));
    // refused: the link in the copy is not followed back to the real file
    expect(() =>
      commitEdits(
        inventory,
        edit({ file: 'dc.yaml', yamlPath: ['datacentre', 'id'], op: 'set', value: 'NOT AN ID!!' }),
      ),
    ).toThrow(InventoryEditRefused);
    expect(readFileSync(real, 'utf8')).toBe(before);
    // accepted: written where the link leads, the link kept
    commitEdits(inventory, edit({ ...out(SERVER), file: 'dc.yaml' }));
    expect(lstatSync(join(root, 'dc.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain(SERVER);
    expect((loadCity(inventory).model as CityModel).outOfService.map((o) => o.server)).toEqual([SERVER]);
  });

  it('refuses every server of a pool out of service: a pool may be short, never empty', () => {
    const inventory = writeCity({ 'city.yaml': smallCity() });
    const model = loadCity(inventory).model as CityModel;
    const pool = model.servers.filter((s) => s.pool === 'wh-a').map((s) => s.name);
    const files = editedFiles(
      pool.map((s) => out(s)),
      readerOf(inventory, loadCity(inventory).sources),
    );
    const err = refusal(inventory, files);
    expect(err.findings.map((f) => f.message)).toContainEqual(
      `every one of pool wh-a's ${pool.length} servers in service is listed out of service: nothing of it would run`,
    );
  });

  it('refuses an edit of a file changed since it was read', () => {
    const inventory = writeCity({ 'city.yaml': smallCity() });
    const { sources } = loadCity(inventory);
    writeFileSync(inventory, `${readFileSync(inventory, 'utf8')}# by hand\n`);
    expect(() => editedFiles([out(SERVER)], readerOf(inventory, sources))).toThrow(
      /changed since it was read; nothing was written/,
    );
  });

  it('writes nothing over a change made meanwhile', () => {
    const { inventory, before, files } = edited([out(SERVER)]);
    const meanwhile = `${before}# a comment added by hand meanwhile\n`;
    writeFileSync(inventory, meanwhile);
    expect(() => commitEdits(inventory, files)).toThrow(
      /changed while it was being edited; nothing was written/,
    );
    expect(readFileSync(inventory, 'utf8')).toBe(meanwhile);
  });
});
