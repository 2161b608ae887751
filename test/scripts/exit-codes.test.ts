/**
 * Every error a user reads declares its exit code beside its class, and the README's table says
 * the same: a new error class cannot be added without a code, nor with one the README does not
 * give; and the command line maps a class to its code without a list of classes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/city.ts';

/** The TypeScript sources of citycloud itself (not its tests, benches' output or dependencies). */
function sources(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory())
      return /^(node_modules|test|out|\.\w+)$/.test(e.name) && dir === ROOT ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each error class of the sources: where, what it extends, and the codes it declares. */
function errorClasses() {
  return sources().flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/^export (?:abstract )?class (\w+) extends (\w*Error)\b[^{]*\{/gm)].map((m) => {
      // the class body: up to the next line that closes a top-level block
      const body = text.slice(m.index, text.indexOf('\n}\n', m.index));
      const literal = body.match(/^ {2}readonly exitCode = (\d+);$/m);
      const param = body.match(/^ {4}readonly exitCode: ([\d |]+),$/m);
      const codes = literal
        ? [Number(literal[1])]
        : param
          ? (param[1] as string).split('|').map((c) => Number(c.trim()))
          : [];
      return { name: m[1] as string, base: m[2] as string, file: relative(ROOT, file), codes };
    });
  });
}

/** The README's table of errors: class → codes. */
function readmeTable(): Map<string, number[]> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `(\w+)` \| ([\d]+(?: or \d+)*) \| .+ \|$/gm)];
  return new Map(rows.map((r) => [r[1] as string, (r[2] as string).split(' or ').map(Number)]));
}

describe('exit codes', () => {
  const classes = errorClasses();

  it('finds the error classes it checks', () => {
    expect(classes.map((c) => c.name)).toEqual(
      expect.arrayContaining(['UserError', 'LockRefused', 'DeployError']),
    );
    expect(classes.length).toBeGreaterThanOrEqual(19);
  });

  it('has every error class a user error, declaring its code beside it', () => {
    for (const c of classes.filter((x) => x.name !== 'UserError')) {
      expect(c.base, `${c.file}: ${c.name} extends ${c.base}; make it a UserError with its exitCode`).toBe(
        'UserError',
      );
      expect(c.codes.length, `${c.file}: ${c.name} declares no exitCode`).toBeGreaterThan(0);
      for (const code of c.codes) expect([1, 2, 69, 70, 75], `${c.name}: ${code}`).toContain(code);
    }
  });

  it('gives in the README’s table exactly the codes the classes declare', () => {
    const table = readmeTable();
    const declared = new Map(classes.filter((c) => c.name !== 'UserError').map((c) => [c.name, c.codes]));
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(declared));
  });

  it('ends a command with the code of the error that stopped it (2, 75)', () => {
    // RunNotFound: not a run id
    const notRun = runCli(['runbook', 'status', 'no-such-run', '--runs-dir', tempDir()]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr.trim()).toMatch(/is not a run id/);
    // RunStoreUnavailable: a PostgreSQL store nobody listens on
    const store = runCli([
      'runbook',
      'status',
      '--state',
      'pg',
      '--state-url',
      'postgres://citycloud@127.0.0.1:1/runs',
    ]);
    expect(store.code, store.stderr).toBe(75);
    expect(store.stderr.trim().split('\n')).toHaveLength(1);
  });
});
