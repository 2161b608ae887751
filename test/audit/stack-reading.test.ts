/**
 * A stack is read as Terraform reads it, or refused: what the diff shows of a changed stack is
 * what the tool that applies it would see — no resource hidden after a closing brace where the
 * line-by-line reader would miss it, no key given twice (JavaScript keeps the last, Terraform
 * reads both), nothing added without what it holds, and a file that does not parse is an input
 * error (exit 2), never an internal one.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readerStats, resetReaderStats } from '../../audit/reader-stats.ts';
import { BIN, runCli, tempDir } from '../helpers/city.ts';
import { demoStack, editOutput, outputWithStack } from '../helpers/outputs.ts';

let before = '';
const STACK = 'terraform/stacks/demo/cdk.tf.json';

/** NEW: a copy of the old output whose demo stack is `text`. */
function newSide(text: string): string {
  const o = join(tempDir(), 'out');
  cpSync(before, o, { recursive: true });
  editOutput(o, { [STACK]: text });
  return o;
}
const diff = (o: string) => runCli(['diff', before, o, '--format', 'json']);

beforeAll(() => {
  before = outputWithStack(tempDir(), { a: { input: 'hello' }, b: { input: 'world' } });
});

describe('the diff reads a stack as Terraform does', () => {
  it('a resource put after a closing brace on the same line is seen, with what it holds, and its provisioner is critical', () => {
    const honest = demoStack({ a: { input: 'hello' }, b: { input: 'world' }, c: { input: 'new' } });
    const hidden = honest.replace(
      /("c": \{\n\s+"input": "new"\n\s+\})/,
      '$1, "d": {"input": "cluster-admin", "provisioner": [{"local-exec": {"command": "touch /tmp/x"}}]}',
    );
    expect(hidden).not.toBe(honest);
    const r = diff(newSide(hidden));
    expect(r.code, r.stderr).toBe(0);
    const changes = JSON.parse(r.stdout).changes;
    const d = changes.find((c: { id: string }) => c.id === 'terraform_data.d');
    expect(d).toMatchObject({ action: 'add', level: 'critical' });
    expect(d.rules.map((x: { rule: string }) => x.rule)).toContain('AU009');
    expect(d.attributes).toContainEqual({ path: 'input', after: 'cluster-admin' });
    expect(d.attributes).toContainEqual({ path: 'provisioner[0].local-exec.command', after: 'touch /tmp/x' });
  });

  it("a resource put inside another's name line is seen, as JSON.parse and Terraform read it", () => {
    const honest = demoStack({ a: { input: 'hello' }, b: { input: 'world' } });
    const hidden = honest.replace(
      '      "b": {',
      '      "x":{"input":"ok","provisioner":[{"local-exec":{"command":"touch /tmp/x"}}]},"b": {',
    );
    expect(hidden).not.toBe(honest);
    const r = diff(newSide(hidden));
    expect(r.code, r.stderr).toBe(0);
    const changes = JSON.parse(r.stdout).changes;
    expect(changes.map((c: { id: string }) => c.id)).toEqual(['terraform_data.x']);
    expect(changes[0]).toMatchObject({ action: 'add', level: 'critical' });
  });

  it('an added resource shows every value it holds (secrets masked)', () => {
    const r = diff(
      newSide(
        demoStack({
          a: { input: 'hello' },
          b: { input: 'world' },
          c: { input: 'new', triggers_replace: { token: 's3cr3t-token' } },
        }),
      ),
    );
    const c = JSON.parse(r.stdout).changes.find((x: { id: string }) => x.id === 'terraform_data.c');
    expect(c.attributes).toEqual([
      { path: 'input', after: 'new' },
      { path: 'triggers_replace.token', after: '(sensitive value)', sensitive: true },
    ]);
    expect(r.stdout).not.toContain('s3cr3t-token');
  });

  it('a key given twice is refused in one line (exit 2): Terraform would read both, JSON.parse only the last', () => {
    const twice = `{"terraform": {"backend": {"local": {"path": "../../../../state/demo.tfstate"}}}, "resource": {"terraform_data": {"evil": {"input": "cluster-admin"}}}, "resource": {"terraform_data": {"a": {"input": "hello"}, "b": {"input": "world"}}}}`;
    const r = diff(newSide(twice));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /: terraform\/stacks\/demo\/cdk\.tf\.json cannot be diffed: the key "resource" is given twice in the top-level object; expected the file synth writes$/,
    );
    const nested = demoStack({ a: { input: 'hello' }, b: { input: 'world' } }).replace(
      '"input": "world"',
      '"input": "world", "input": "other"',
    );
    expect(diff(newSide(nested)).stderr).toContain(
      'the key "input" is given twice in resource.terraform_data.b',
    );
    // and deploy will not apply such a stack either
    const o = newSide(twice);
    const d = runCli(['deploy', '--out', o, '--stack', 'demo']);
    expect(d.code).toBe(2);
    expect(d.stderr.trim()).toBe(
      'stack demo: in its cdk.tf.json the key "resource" is given twice in the top-level object: Terraform would read it otherwise than the review did',
    );
  });

  it.each([
    [
      'a closing bracket at the sixth column',
      (t: string) => t.replace('"input": "world"\n      }', '"input": ["world"\n      ]}'),
    ],
    ['a byte-order mark', (t: string) => `\ufeff${t}`],
    ['a cut file', (t: string) => t.slice(0, t.length / 2)],
  ])('%s: refused as input (exit 2), never an internal error', (_what, spoil) => {
    const r = diff(
      newSide(spoil(demoStack({ a: { input: 'hello' }, b: { input: 'world' }, c: { input: 'c' } }))),
    );
    expect(r.stderr).not.toContain('internal error');
    if (r.code !== 0) {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } else expect(JSON.parse(r.stdout).changes.length).toBeGreaterThan(0);
  });

  it('a file of the output that is a named pipe is refused in one line (exit 2), never waited on', () => {
    const o = newSide(demoStack({ a: { input: 'hello' }, b: { input: 'world' }, c: { input: 'c' } }));
    const manifest = readFileSync(join(o, 'manifest.json'), 'utf8');
    rmSync(join(o, STACK));
    expect(spawnSync('mkfifo', [join(o, STACK)]).status).toBe(0);
    writeFileSync(join(o, 'manifest.json'), manifest);
    const r = spawnSync(process.execPath, [BIN, 'diff', before, o, '--format', 'json'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /terraform\/stacks\/demo\/cdk\.tf\.json: is a named pipe \(FIFO\); expected the file synth wrote \(a regular file\)$/,
    );
  });

  it('the line-by-line reader is taken on what synth writes, and not on a line it cannot vouch for', async () => {
    const { stackResources } = await import('../../audit/terraform-index.ts');
    const good = Buffer.from(readFileSync(join(before, STACK)));
    resetReaderStats();
    stackResources(good);
    expect(readerStats['terraform-stack']).toEqual({ fast: 1, whole: 0 });
    resetReaderStats();
    stackResources(
      Buffer.from(good.toString().replace(/("b": \{\n\s+"input": "world"\n\s+\})/, '$1, "x": {}')),
    );
    expect(readerStats['terraform-stack']).toEqual({ fast: 0, whole: 1 });
  });
});
