// integration: parses hostile inventories of megabytes (vitest.config.ts)
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, parseYaml } from '../../model/parse-yaml.ts';

/** One mapping of `bytes` of distinct junk keys, as in a hostile inventory. */
const junkMap = (bytes: number) => {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `junk${i}: ${i}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
};

/** The fastest of three parses, in milliseconds. */
const fastest = (text: string) => {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    parseYaml(text);
    best = Math.min(best, performance.now() - t);
  }
  return best;
};

describe('parseYaml', () => {
  it('gives the document of a clean file, and no problem', () => {
    const parsed = parseYaml('a: 1\nb: [x, y]\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.doc?.toJS()).toEqual({ a: 1, b: ['x', 'y'] });
  });

  it('grows linearly with the keys of one mapping (the yaml package’s own duplicate check is quadratic)', () => {
    // 8 times the keys: linear parsing takes about 8 times as long, a quadratic check 64 times
    const small = fastest(junkMap(256 * 1024));
    const large = fastest(junkMap(2 * 1024 * 1024));
    expect(large / small).toBeLessThan(24);
  });

  it('still finds a duplicate key among many, at its place', () => {
    const text = `${junkMap(64 * 1024)}junk7: again\n`;
    const parsed = parseYaml(text);
    expect(parsed.problems).toEqual([
      {
        offset: text.lastIndexOf('junk7:'),
        message: 'duplicate key "junk7"; expected each key once in a mapping',
      },
    ]);
  });

  it(`refuses nesting past ${MAX_NESTING} levels with one problem, and takes ${MAX_NESTING}`, () => {
    // the top mapping is the first level
    const nested = (levels: number) => `a: ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}\n`;
    expect(parseYaml(nested(MAX_NESTING)).problems).toEqual([]);
    const deep = parseYaml(nested(MAX_NESTING + 1));
    expect(deep.problems).toHaveLength(1);
    expect(deep.problems[0]?.message).toMatch(/^nested more than 64 levels deep/);
  });

  it('treats an unknown tag as an error', () => {
    expect(parseYaml('a: !!js/function "x"\n').problems[0]?.message).toBe(
      'an unknown YAML tag (tag:yaml.org,2002:js/function); expected plain values without tags',
    );
  });
});
