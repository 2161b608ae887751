import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BIN, runCli, SMALL_CITY, smallCity, tempDir, writeCity } from '../helpers/city.ts';

/** A `citycloud synth --watch` running in the background, its output collected as it comes. */
class Watching {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [BIN, 'synth', '--watch', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }

  count(text: string): number {
    return this.stdout.split(text).length - 1;
  }

  /** Waits until the output holds `text` n times; fails with the output so far after 60 s. */
  async until(text: string, n = 1): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (this.count(text) < n) {
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`no ${n}× "${text}" in:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

let running: Watching | null = null;
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = null;
});

const WATCHING = '· watching 1 inventory file(s) for changes; Ctrl-C stops';

describe('citycloud synth --watch', () => {
  it('synthesizes again on each save, from the cache, to the bytes of a full synth; a bad save leaves out/ as it was', async () => {
    const dir = tempDir();
    const city = join(dir, 'city.yaml');
    const text = readFileSync(SMALL_CITY, 'utf8');
    writeFileSync(city, text);
    const out = join(dir, 'out');
    const w = new Watching(['-i', city, '-o', out, '--cache', join(dir, 'cache')]);
    running = w;
    await w.until(WATCHING);
    expect(w.stdout).toMatch(/^✓ synthesized .*city\.yaml into .*out\/ in [\d.]+ s$/m);

    // one more web server in rack k02, saved in place
    const added = text.replace(
      '- {id: k02, servers: [{u: 1, count: 4,',
      '- {id: k02, servers: [{u: 1, count: 5,',
    );
    expect(added).not.toBe(text);
    writeFileSync(city, added);
    await w.until(WATCHING, 2);
    expect(w.stdout).toContain(`↻ ${city} changed: synthesizing again`);
    const runs = [
      ...w.stdout.matchAll(/cached parts \(stacks and views\): (\d+) rendered, (\d+) unchanged/g),
    ];
    expect(runs).toHaveLength(2);
    const [rendered, unchanged] = [Number(runs[1]?.[1]), Number(runs[1]?.[2])];
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(unchanged); // the row of the new server, not the city
    const fresh = join(dir, 'fresh');
    writeFileSync(join(dir, 'added.yaml'), added);
    expect(runCli(['synth', '-i', join(dir, 'added.yaml'), '-o', fresh, '--no-cache']).code).toBe(0);
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    // the manifest holds every file's digest; only the input's name differs
    expect(manifest.replace('"city.yaml"', '"added.yaml"')).toBe(
      readFileSync(join(fresh, 'manifest.json'), 'utf8'),
    );

    // an editor's save (a new file renamed over the old) of YAML that does not parse
    writeFileSync(join(dir, 'city.yaml.swp'), `${added}\n  - [unclosed\n`);
    renameSync(join(dir, 'city.yaml.swp'), city);
    await w.until(WATCHING, 3);
    expect(w.stdout).toMatch(new RegExp(`^${city.replaceAll('/', '\\/')}:\\d+:\\d+: not valid YAML`, 'm'));
    expect(w.stdout).toContain(`nothing synthesized, ${out} left as it was`);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifest);

    writeFileSync(city, text);
    await w.until(WATCHING, 4);
    expect(w.count('✓ synthesized')).toBe(3);
    expect(await w.stop()).toBe(0);
    expect(w.stdout + w.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);

  it('watches the files the inventory includes, and stops on SIGTERM', async () => {
    const { datacentre, ...rest } = smallCity();
    const dir = tempDir();
    const city = writeCity({ 'city.yaml': { ...rest, include: ['datacentre.yaml'] } }, dir);
    const included = join(dir, 'datacentre.yaml');
    writeFileSync(included, stringify({ datacentre }));
    const w = new Watching(['-i', city, '-o', join(dir, 'out'), '--cache', join(dir, 'cache')]);
    running = w;
    await w.until('· watching 2 inventory file(s) for changes; Ctrl-C stops');
    datacentre.halls[0].rows[0].racks[1].servers.push({ u: 20, count: 1, model: 'm1', pool: 'web' });
    writeFileSync(included, stringify({ datacentre }));
    await w.until('· watching 2 inventory file(s)', 2);
    expect(w.stdout).toContain(`↻ ${included} changed: synthesizing again`);
    // 14 servers at first, 15 after the save
    expect(w.stdout).toMatch(
      /✓ synthesized[^\n]*\n {2}14 servers in 3 racks[\s\S]*✓ synthesized[^\n]*\n {2}15 servers in 3 racks/,
    );
    expect(await w.stop('SIGTERM')).toBe(0);
  }, 120_000);

  it('does not combine with --json', () => {
    const r = runCli(['synth', '--watch', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '-w, --watch' cannot be used with option '--json'");
  });
});
