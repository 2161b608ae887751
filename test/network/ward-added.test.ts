// integration: synthesizes the built-in city twice (vitest.config.ts)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCity } from '../../model/index.ts';
import { synthesize } from '../../synth/synth.ts';
import { BUILTIN_CITY, tempDir, writeCity } from '../helpers/city.ts';

/** Synthesizes an inventory folder into a new out/ and returns every artifact's lines. */
async function linesOf(inventory: string): Promise<Map<string, string[]>> {
  const { model, findings } = loadCity(inventory);
  if (!model) throw new Error(findings.map((f) => f.message).join('\n'));
  const out = join(tempDir(), 'out');
  const { manifest } = await synthesize({ model, inputs: [], outDir: out });
  return new Map(
    manifest.artifacts.map((a) => [a.path, readFileSync(join(out, a.path), 'utf8').split('\n')]),
  );
}

describe('adding a ward', () => {
  it('changes only that ward’s lines in every artifact, and moves no other address', async () => {
    const dir = dirname(BUILTIN_CITY);
    // city.yaml first: writeCity returns the path of the first file
    const files: Record<string, string> = { 'city.yaml': '' };
    for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8');
    const before = await linesOf(writeCity(files));
    // a new ward in the middle of Quận 1's list, between Đa Kao and Bến Nghé
    files['network.yaml'] = (files['network.yaml'] as string).replace(
      '        - {code: "26740", name: Phường Bến Nghé, type: ward}\n',
      '        - {code: "26799", name: Phường Thử Nghiệm, type: ward}\n        - {code: "26740", name: Phường Bến Nghé, type: ward}\n',
    );
    const after = await linesOf(writeCity(files));
    expect([...after.keys()]).toEqual([...before.keys()]);
    const changed: string[] = [];
    for (const [path, lines] of after) {
      const old = new Set(before.get(path));
      const now = new Set(lines);
      const added = lines.filter((l) => !old.has(l));
      const removed = (before.get(path) ?? []).filter((l) => !now.has(l));
      expect(removed, `${path}: lines removed`).toEqual([]);
      for (const line of added)
        expect(line, `${path}: a line the new ward should not change`).toMatch(/w?26799/);
      if (added.length > 0) changed.push(path);
    }
    // the model and every network artifact but the regions (a ward is no region) gain the ward's
    // lines; the monitoring files have nothing per ward (its probe target is a network artifact)
    expect(changed).toEqual(
      [...after.keys()].filter((p) => /^(model|network)\//.test(p) && p !== 'network/netbox/1-regions.csv'),
    );
  });
});
