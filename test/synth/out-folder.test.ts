import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT } from '../../synth/manifest.ts';
import { checkOutFolder, manifestKind, OutFolderError } from '../../synth/out-folder.ts';
import { tempDir } from '../helpers/city.ts';

/** A folder that looks like a previous citycloud output. */
function previousOutput(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: MANIFEST_FORMAT, artifacts: [] }));
  return dir;
}

const refusal = (out: string, keep: string[] = []) => {
  try {
    checkOutFolder(out, keep);
  } catch (err) {
    expect(err).toBeInstanceOf(OutFolderError);
    return (err as Error).message;
  }
  return null;
};

describe('checkOutFolder', () => {
  it('accepts a missing folder, an empty folder and a previous output', () => {
    const dir = tempDir();
    expect(refusal(join(dir, 'new'))).toBeNull();
    mkdirSync(join(dir, 'empty'));
    expect(refusal(join(dir, 'empty'))).toBeNull();
    expect(refusal(previousOutput(join(dir, 'out')))).toBeNull();
  });

  it.each([
    [
      'a web app',
      { 'manifest.json': '{"name": "My PWA", "start_url": "/"}', 'README.md': 'mine' },
      /has no "format" field/,
    ],
    [
      'a cdk.out',
      { 'manifest.json': '{"version": "36.0.0", "artifacts": {}}', 'src/app.ts': '' },
      /has no "format" field/,
    ],
    [
      'another format',
      { 'manifest.json': '{"format": "something-else/v1"}' },
      /is of format "something-else\/v1", not citycloud-manifest\/v1/,
    ],
    ['a broken manifest', { 'manifest.json': '{not json' }, /is not JSON/],
    ['no manifest at all', { 'thesis.tex': 'years of work' }, /holds files but no manifest\.json/],
  ])("refuses a folder with a manifest.json that is not citycloud's: %s", (_, files, why) => {
    const out = tempDir();
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(out, name, '..'), { recursive: true });
      writeFileSync(join(out, name), text);
    }
    const message = refusal(out);
    expect(message).toMatch(why);
    expect(message).toMatch(/not a citycloud output|holds files but no/);
  });

  it('refuses the root of the file system', () => {
    expect(refusal('/')).toBe(
      '/: is the root of the file system, which synth would replace whole; choose another --out, such as out/',
    );
  });

  it('refuses the folder the user works in, or one that holds it', () => {
    expect(refusal(process.cwd())).toMatch(/holds the folder you are working in/);
    expect(refusal(join(process.cwd(), '..'))).toMatch(/holds the folder you are working in/);
  });

  it('refuses an output inside another citycloud output', () => {
    const out = previousOutput(join(tempDir(), 'out'));
    expect(refusal(join(out, 'sub'))).toMatch(
      /is inside .*out, another citycloud output, whose next synth would delete it/,
    );
    expect(refusal(join(out, 'a', 'b', 'c'))).toMatch(/another citycloud output/);
  });

  it('refuses the folder of the local Terraform state, which must outlive every synth', () => {
    expect(refusal(join(tempDir(), 'state'))).toMatch(/is where the stacks' local Terraform state lives/);
  });

  it('refuses a folder that holds the inventory', () => {
    const dir = tempDir();
    const out = previousOutput(join(dir, 'out'));
    writeFileSync(join(out, 'city.yaml'), 'apiVersion: citycloud/v1\n');
    expect(refusal(out, [join(out, 'city.yaml')])).toMatch(
      /holds the inventory file .*city\.yaml, which synth would delete/,
    );
  });

  it('tells citycloud manifests from others', () => {
    const dir = tempDir();
    expect(manifestKind(dir)).toBe('none');
    expect(manifestKind(previousOutput(dir))).toBe('ours');
  });
});
