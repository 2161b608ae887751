/**
 * The acceptance scenario: changes to the built-in inventory (a rack removed, a network
 * policy opened, an alert loosened and another dropped, a warehouse shrunk, a ward renumbered), synthesized
 * for real and diffed by the command line in all three formats; each change is named at its level.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  opendirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditOutputs, auditOutputs } from '../helpers/audit-outputs.ts';
import { runCli } from '../helpers/city.ts';
import { itWith, TMPFS } from '../helpers/needs.ts';

let o: AuditOutputs;
// biome-ignore lint/suspicious/noExplicitAny: the report's JSON as parsed
let report: any;

beforeAll(() => {
  o = auditOutputs();
  const r = runCli(['diff', o.before, o.after, '--format', 'json']);
  expect(r.code).toBe(0);
  report = JSON.parse(r.stdout);
}, 120_000);

// biome-ignore lint/suspicious/noExplicitAny: the report's JSON as parsed
const find = (pred: (c: any) => boolean) => report.changes.filter(pred);

describe('citycloud diff of the built-in city before and after six changes', () => {
  it('ranks each change at its level, with its rule', () => {
    const renumbered = find((c: { kind: string; id: string }) => c.kind === 'site' && c.id === 'w26734');
    expect(renumbered).toHaveLength(1);
    expect(renumbered[0]).toMatchObject({ level: 'high', area: 'network', action: 'change' });
    expect(renumbered[0].rules[0].rule).toBe('AU016');
    expect(renumbered[0].summary).toContain('prefix 10.32.17.0/26 → 10.32.31.192/26');

    const alert = find(
      (c: { kind: string; id: string }) => c.kind === 'alert' && c.id === 'DistrictIsolated',
    );
    expect(alert).toHaveLength(1);
    expect(alert[0]).toMatchObject({ level: 'high', area: 'monitoring' });
    expect(alert[0].rules[0]).toMatchObject({
      rule: 'AU013',
      because: 'alert DistrictIsolated loosened: threshold > 0.5 → > 0.8',
    });

    const dropped = find(
      (c: { kind: string; id: string }) => c.kind === 'alert' && c.id === 'NodeBondingDegraded',
    );
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({
      level: 'high',
      action: 'remove',
      rules: [{ rule: 'AU013', because: 'alert NodeBondingDegraded removed' }],
    });

    const warehouse = find(
      (c: { kind: string; id: string }) => c.kind === 'warehouse' && c.id === 'population',
    );
    expect(warehouse[0]).toMatchObject({ level: 'high', area: 'inventory' });
    expect(warehouse[0].rules[0].because).toContain('replicas 3 → 2');
    // and every shard's StatefulSet, by address, not by line
    const sets = find((c: { kind: string }) => c.kind === 'kubernetes_stateful_set_v1');
    expect(sets.map((c: { id: string }) => c.id)).toEqual(
      Array.from(
        { length: 16 },
        (_, i) => `kubernetes_stateful_set_v1.population-s${String(i + 1).padStart(2, '0')}`,
      ),
    );
    for (const s of sets) {
      expect(s).toMatchObject({ level: 'high', action: 'change', stack: 'warehouse-population' });
      expect(s.attributes).toEqual([{ path: 'spec.replicas', before: '3', after: '2' }]);
    }

    const policy = find(
      (c: { id: string }) => c.id === 'kubernetes_network_policy_v1.population-allow-readers',
    );
    expect(policy[0]).toMatchObject({ level: 'high', rules: [{ rule: 'AU010' }] });
    expect(policy[0].rules[0].because).toMatch(
      /ingress now also from .*"citycloud\.hcmc\.gov\.vn\/tenant":"meeting".* on 5432\/TCP/,
    );

    const rack = find((c: { kind: string }) => c.kind === 'rack');
    expect(rack).toHaveLength(1);
    expect(rack[0]).toMatchObject({ id: 'dc1-h1-r03-k11', level: 'medium', action: 'remove' });
    expect(rack[0].summary).toBe('rack dc1-h1-r03-k11 removed with 12 servers (pools mgmt)');
    expect(
      find((c: { kind: string; action: string }) => c.kind === 'server' && c.action === 'remove'),
    ).toHaveLength(12);
    const pool = find((c: { kind: string; id: string }) => c.kind === 'pool' && c.id === 'mgmt');
    expect(pool[0].summary).toBe(
      'pool mgmt: 60 → 48 servers, 1920 → 1536 cores, keeps 12 spare (limit 75.0%)',
    );
  });

  it('leads with the counts by level, the most severe changes first', () => {
    expect(report.counts).toEqual({
      critical: 0,
      high: report.changes.filter((c: { level: string }) => c.level === 'high').length,
      medium: report.changes.filter((c: { level: string }) => c.level === 'medium').length,
      low: report.changes.filter((c: { level: string }) => c.level === 'low').length,
    });
    // the 22 of the five changes, and the policy that disables NodeBondingDegraded itself
    expect(report.counts.high).toBe(23);
    const disabled = report.changes.find(
      (c: { kind: string; id: string }) => c.kind === 'policy' && c.id === 'disabled-alerts',
    );
    expect(disabled).toMatchObject({
      level: 'high',
      summary: 'alerts the city does not run (monitoring.disabledAlerts): (none) → NodeBondingDegraded',
    });
    const ranks = report.changes.map((c: { level: string }) =>
      ['critical', 'high', 'medium', 'low'].indexOf(c.level),
    );
    expect(ranks).toEqual([...ranks].sort((a: number, b: number) => a - b));
  });

  it('reads only the files whose digests differ: an unchanged file may even be gone', () => {
    expect(report.files.unchanged).toBe(43);
    expect(report.files.changed.map((f: { path: string }) => f.path)).not.toContain(
      'cloudformation/offsite.template.json',
    );
    // an unchanged artifact removed from both folders: the diff never opens it
    for (const side of [o.before, o.after]) rmSync(join(side, 'cloudformation/offsite.template.json'));
    const r = runCli(['diff', o.before, o.after, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changes).toHaveLength(report.changes.length);
  });

  itWith([TMPFS], 'is the same report every time (no time, no order from the file system)', () => {
    // tmpfs lists a folder's entries newest first: the same files written in two orders are
    // listed in two orders
    const copy = (from: string, to: string, reverse: boolean) => {
      mkdirSync(to);
      const entries = readdirSync(from, { withFileTypes: true }).sort((x, y) =>
        x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
      );
      for (const e of reverse ? entries.reverse() : entries)
        if (e.isDirectory()) copy(join(from, e.name), join(to, e.name), reverse);
        else copyFileSync(join(from, e.name), join(to, e.name));
    };
    const shm = mkdtempSync('/dev/shm/citycloud-test-');
    try {
      const sides = [false, true].map((reverse, i) => {
        const dir = join(shm, String(i));
        mkdirSync(dir);
        copy(o.before, join(dir, 'before'), reverse);
        copy(o.after, join(dir, 'after'), reverse);
        return dir;
      });
      const [first, second] = sides as [string, string];
      // as the file system lists them (readdir sorts; a directory stream does not)
      const raw = (dir: string) => {
        const d = opendirSync(dir);
        const names: string[] = [];
        for (let e = d.readSync(); e; e = d.readSync()) names.push(e.name);
        d.closeSync();
        return names;
      };
      expect(raw(join(first, 'after'))).toEqual([...raw(join(second, 'after'))].reverse());
      const diffOf = (dir: string) =>
        runCli(['diff', join(dir, 'before'), join(dir, 'after'), '--format', 'json']).stdout.replaceAll(
          dir,
          'DIR',
        );
      const a = diffOf(first);
      expect(JSON.parse(a).changes.length).toBe(report.changes.length);
      expect(diffOf(second)).toBe(a);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it('--fail-on exits 1 at or above the level present, 0 above it', () => {
    const critical = runCli(['diff', o.before, o.after, '--format', 'json', '--fail-on', 'critical']);
    expect(critical.code).toBe(0);
    const high = runCli(['diff', o.before, o.after, '--format', 'json', '--fail-on', 'high']);
    expect(high.code).toBe(1);
    expect(high.stderr).toMatch(/^--fail-on high: high change: /m);
    const bad = runCli(['diff', o.before, o.after, '--fail-on', 'severe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "argument 'severe' is invalid. Allowed choices are critical, high, medium, low.",
    );
  });

  it('writes Markdown for a pull request: the summary first, the detail in collapsible sections', () => {
    const file = join(o.dir, 'diff.md');
    const r = runCli(['diff', o.before, o.after, '--output', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^0 critical, 23 high, \d+ medium, \d+ low — \d+ changes; report in /m);
    const md = readFileSync(file, 'utf8');
    expect(md.indexOf('| 0 | 23 |')).toBeGreaterThan(0);
    expect(md.indexOf('### Critical and high')).toBeLessThan(md.indexOf('<details>'));
    for (const needle of [
      'AU016: site w26734 \\(ward, Phường Tân Định\\) renumbered',
      'AU013: alert DistrictIsolated loosened: threshold \\> 0.5 → \\> 0.8',
      'AU014: warehouse population: replicas 3 → 2',
      'AU010: network policy kubernetes\\_network\\_policy\\_v1.population-allow-readers',
      'AU013: alert NodeBondingDegraded removed',
    ])
      expect(md).toContain(needle);
    expect(md).toMatch(
      /<summary>🟨 medium: \d+ changes<\/summary>[\s\S]*rack dc1-h1-r03-k11 removed with 12 servers/,
    );
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
  });

  it('refuses what is not a synth output, in one line (exit 2)', () => {
    const r = runCli(['diff', o.before, o.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${o.dir}: no manifest.json in ${o.dir}; expected a citycloud synth output folder (citycloud synth --out ${o.dir}) or a git ref`,
    );
    const none = runCli(['diff', o.before, 'no-such-ref-or-folder']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(
      /^no-such-ref-or-folder: neither a synth output folder \(no manifest\.json\) nor a commit of /,
    );
  });
});

describe('the fast paths read what the whole parse reads', () => {
  it('gives the same changes from each file laid out otherwise (minified JSON, a commented rules file)', async () => {
    const { openOutput } = await import('../../audit/output-side.ts');
    const { changedFiles, diffFile } = await import('../../audit/audit-diff.ts');
    const a = openOutput(o.before);
    const b = openOutput(o.after);
    const files = changedFiles(a, b).changed.filter((f) => f.diffedAs && f.status === 'changed');
    expect(files.map((f) => f.diffedAs).sort()).toEqual(
      expect.arrayContaining(['inventory', 'monitoring', 'network', 'terraform']),
    );
    // the same files re-laid out: JSON on one line, YAML with a comment first
    const relaid = (side: typeof a, dir: string) => {
      const copy = join(o.dir, dir);
      const manifest = JSON.parse(readFileSync(join(side.dir, 'manifest.json'), 'utf8'));
      for (const f of files) {
        const text = side.text(f.path);
        const other = f.path.endsWith('.json')
          ? JSON.stringify(JSON.parse(text))
          : `# laid out otherwise\n${text}`;
        mkdirSync(dirname(join(copy, f.path)), { recursive: true });
        writeFileSync(join(copy, f.path), other);
        const entry = manifest.artifacts.find((x: { path: string }) => x.path === f.path);
        entry.sha256 = createHash('sha256').update(other).digest('hex');
      }
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest));
      return openOutput(copy);
    };
    const x = relaid(a, 'relaid-before');
    const y = relaid(b, 'relaid-after');
    const { readerStats, resetReaderStats } = await import('../../audit/reader-stats.ts');
    for (const f of files) {
      resetReaderStats();
      const fast = diffFile(a, b, f);
      // what synth wrote is read by the fast reader, never silently parsed whole
      // (the topology is small and has no fast reader: it is parsed whole, by design)
      const hasFastReader = f.diffedAs !== 'network';
      const taken = Object.entries(readerStats).filter(([, n]) => n.fast > 0 || n.whole > 0);
      expect(taken.length, f.path).toBe(hasFastReader ? 1 : 0);
      if (hasFastReader) expect(taken[0]?.[1], f.path).toMatchObject({ whole: 0 });
      expect(fast.length).toBeGreaterThan(0);
      resetReaderStats();
      expect(JSON.stringify(diffFile(x, y, f))).toBe(JSON.stringify(fast));
      // and the same file laid out otherwise falls back to the whole parse, with the same answer
      if (hasFastReader)
        expect(
          Object.values(readerStats).reduce((n, r) => n + r.whole, 0),
          f.path,
        ).toBeGreaterThan(0);
    }
    await Promise.all([a.verified(), b.verified(), x.verified(), y.verified()]);
  });

  it('refuses a file changed after synth: what is diffed is what the manifest lists (exit 2)', () => {
    const copy = join(o.dir, 'tampered');
    cpSync(o.after, copy, { recursive: true });
    appendFileSync(join(copy, 'terraform/stacks/tenants/cdk.tf.json'), ' ');
    const r = runCli(['diff', o.before, copy, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `${copy}: terraform/stacks/tenants/cdk.tf.json is not the file its manifest lists (its sha256 differs): the folder was changed after synth; synthesize it again`,
    );
    // changed so that it no longer parses: the same answer, not a parse error
    writeFileSync(join(copy, 'model/city.json'), '{"servers": [');
    const broken = runCli(['diff', o.before, copy, '--format', 'json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim()).toMatch(/is not the file its manifest lists \(its sha256 differs\)/);
  });
});
