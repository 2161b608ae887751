import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { networkView } from '../../network/network-view.ts';
import { toCsv } from '../../view/csv.ts';
import { modelOf } from '../helpers/city.ts';
import { HOSTILE, hostileCity } from '../helpers/hostile-city.ts';

describe('toCsv', () => {
  it('writes a header and the rows, quoting what needs it', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, y', 1],
          [null, 'z'],
        ],
      ),
    ).toBe('a,b\n"x, y",1\n,z\n');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])(
    'neutralises a cell starting like a formula: %j',
    (cell) => {
      const [row] = parse(toCsv(['c'], [[cell]]), { columns: true }) as { c: string }[];
      expect(row?.c).toBe(`'${cell}`);
    },
  );
});

describe('the network CSVs of a city whose ward names are formulas', () => {
  it('open in a spreadsheet as text: no cell of ipam.csv or the NetBox imports starts a formula', async () => {
    const files = (await networkView.render(modelOf(hostileCity()))).filter((a) => a.path.endsWith('.csv'));
    expect(files.map((f) => f.path)).toContain('network/ipam.csv');
    const cells = files.flatMap((f) => (parse(String(f.content)) as string[][]).flat());
    for (const name of HOSTILE.wardNames) expect(cells).toContain(`'${name}`);
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });
});
