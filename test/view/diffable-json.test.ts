import { describe, expect, it } from 'vitest';
import { toDiffableJson } from '../../view/diffable-json.ts';

describe('toDiffableJson', () => {
  it('puts each list item of a section on its own line', () => {
    const text = toDiffableJson({
      a: 1,
      list: [{ x: 1 }, { x: 2 }],
      nested: { items: [{ y: [1, 2] }] },
      empty: [],
    });
    expect(text).toBe(
      '{\n  "a": 1,\n  "list": [\n    {"x":1},\n    {"x":2}\n  ],\n  "nested": {\n    "items": [\n      {"y":[1,2]}\n    ]\n  },\n  "empty": []\n}\n',
    );
  });

  it('is valid JSON that reads back to the same value', () => {
    const value = { s: 'Phường Tân Định', n: null, deep: { a: { b: [{ c: 1 }] } }, nums: [1, 2, 3] };
    expect(JSON.parse(toDiffableJson(value))).toEqual(value);
  });

  it('changes one line when one item is added', () => {
    const before = toDiffableJson({ wards: [{ id: 'a' }, { id: 'c' }] }).split('\n');
    const after = toDiffableJson({ wards: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }).split('\n');
    expect(after.length - before.length).toBe(1);
    expect(after.filter((l) => !before.includes(l))).toEqual(['    {"id":"b"},']);
  });
});
