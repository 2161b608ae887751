import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CityModel } from '../../model/index.ts';
import { terraformLiteral, terraformLiterals } from '../../stacks/terraform-literals.ts';
import { terraformView } from '../../stacks/terraform-view.ts';
import { modelOf, smallCity, tempDir } from '../helpers/city.ts';
import { HOSTILE, hostileCity } from '../helpers/hostile-city.ts';
import { itWith, TERRAFORM } from '../helpers/needs.ts';

/** Every string in a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe('terraformLiteral', () => {
  it.each([
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's syntax, on purpose
    ['${file("/etc/hostname")}', '$${file("/etc/hostname")}'],
    ['%{ if true }x%{ endif }', '%%{ if true }x%%{ endif }'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's syntax, on purpose
    ['already $${escaped}', 'already $$${escaped}'],
    ['100% {fine} $ {fine}', '100% {fine} $ {fine}'],
  ])('escapes %s', (text, literal) => {
    expect(terraformLiteral(text)).toBe(literal);
  });

  it('gives back the very same model when nothing needs escaping', () => {
    const model = modelOf(smallCity());
    expect(terraformLiterals(model)).toBe(model);
  });

  it('copies only what holds such text, and keeps the copy frozen', () => {
    const model = modelOf(hostileCity());
    const literal = terraformLiterals(model);
    expect(literal).not.toBe(model);
    expect(literal.tenants[0]?.name).toBe(terraformLiteral(HOSTILE.tenantName));
    expect(literal.servers).toBe(model.servers);
    expect(Object.isFrozen(literal.tenants[0])).toBe(true);
  });
});

describe('the Terraform stacks of a city whose names are Terraform expressions', () => {
  let stacks: Record<string, unknown>[] = [];
  let model: CityModel;
  beforeAll(async () => {
    model = modelOf(hostileCity());
    stacks = (await terraformView.render(model))
      .filter((a) => a.path.endsWith('cdk.tf.json'))
      .map((a) => JSON.parse(String(a.content)));
  });

  it('hold no interpolation but cdktf’s own references', () => {
    const all = stacks.flatMap((s) => strings(s));
    expect(all.some((s) => s.includes('file('))).toBe(true);
    for (const s of all) {
      // an unescaped ${ or %{ is one not preceded by its own escape character
      for (const m of s.matchAll(/(?<![$%])([$%])\{/g)) {
        const rest = s.slice(m.index);
        expect(rest, s).toMatch(/^\$\{[a-z_]+\.[\w-]+[.[]/);
      }
    }
  });

  itWith([TERRAFORM], 'is read back by the real Terraform as the text that was written', () => {
    const tenants = stacks.find((s) => JSON.stringify(s).includes('display-name')) as {
      resource: {
        kubernetes_namespace_v1: Record<string, { metadata: { annotations: Record<string, string> } }>;
      };
    };
    const written = tenants.resource.kubernetes_namespace_v1['tenant-t1']?.metadata.annotations[
      'citycloud.hcmc.gov.vn/display-name'
    ] as string;
    // the same JSON string, planned by Terraform in its built-in terraform_data resource
    const dir = tempDir();
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({ resource: { terraform_data: { name: { input: written } } } }),
    );
    const run = (...args: string[]) => {
      const r = spawnSync('terraform', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_IN_AUTOMATION: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    run('init', '-input=false', '-no-color');
    run('plan', '-input=false', '-no-color', '-out=tfplan');
    const plan = JSON.parse(run('show', '-json', 'tfplan')) as {
      resource_changes: { change: { after: { input: string } } }[];
    };
    expect(plan.resource_changes[0]?.change.after.input).toBe(HOSTILE.tenantName);
  });
});
