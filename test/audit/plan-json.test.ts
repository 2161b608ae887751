/**
 * `citycloud diff --plan`: Terraform's plan JSON (format 1.x) through the same risk rules and
 * formats — plans made for real by Terraform with its built-in terraform_data resources (creates,
 * updates, replacements in both orders, a deletion, a sensitive value), and plans written out for
 * what terraform_data cannot show (a Kubernetes StatefulSet replaced, drift, nested secrets).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/city.ts';
import { describeWith, TERRAFORM } from '../helpers/needs.ts';

const tfEnv = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
function terraform(dir: string, args: string[]): string {
  const r = spawnSync('terraform', args, { cwd: dir, env: tfEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
/** A Terraform interpolation, `${expr}` (spelt out so it is not mistaken for a template string). */
const interpolation = (expr: string) => ['$', '{', expr, '}'].join('');
const config = (resources: object) => JSON.stringify({ resource: { terraform_data: resources } });

// biome-ignore lint/suspicious/noExplicitAny: the report's JSON as parsed
type Report = any;

describeWith([TERRAFORM], 'a plan made by Terraform', () => {
  let plan = '';
  let report: Report;
  beforeAll(() => {
    const dir = tempDir('citycloud-plan-');
    writeFileSync(
      join(dir, 'main.tf.json'),
      config({
        keep: { input: 'a' },
        gone: { input: 'x' },
        swap: { triggers_replace: '1', input: 's' },
        cbd: { triggers_replace: '1', input: 'c', lifecycle: { create_before_destroy: true } },
        secret: { input: interpolation('sensitive("hunter2")') },
      }),
    );
    terraform(dir, ['init', '-no-color']);
    terraform(dir, ['apply', '-auto-approve', '-no-color']);
    writeFileSync(
      join(dir, 'main.tf.json'),
      config({
        keep: { input: 'b' },
        swap: { triggers_replace: '2', input: 's' },
        cbd: { triggers_replace: '2', input: 'c', lifecycle: { create_before_destroy: true } },
        secret: { input: interpolation('sensitive("hunter3")') },
        new: { input: 'n' },
      }),
    );
    terraform(dir, ['plan', '-out=tfplan', '-no-color']);
    plan = join(dir, 'plan.json');
    writeFileSync(plan, terraform(dir, ['show', '-json', 'tfplan']));
    const r = runCli(['diff', '--plan', plan, '--format', 'json']);
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout);
  }, 120_000);
  const change = (address: string) => report.changes.find((c: { id: string }) => c.id === address);

  it('reviews every action with its level: replacements in both orders, the deletion, the update, the creation', () => {
    expect(change('terraform_data.swap')).toMatchObject({
      action: 'replace',
      level: 'medium',
      rules: [{ rule: 'AU020' }],
    });
    expect(change('terraform_data.swap').summary).toBe(
      'terraform_data.swap will be replaced (delete, then create): an attribute cannot be updated in place (triggers_replace)',
    );
    expect(change('terraform_data.cbd').summary).toContain('(create, then delete (create_before_destroy))');
    expect(change('terraform_data.cbd').attributes).toContainEqual({
      path: 'triggers_replace',
      before: '1',
      after: '2',
      forcesReplacement: 'replace_paths of the plan (triggers_replace)',
    });
    expect(change('terraform_data.gone')).toMatchObject({ action: 'remove', level: 'medium' });
    expect(change('terraform_data.gone').summary).toBe(
      'terraform_data.gone will be destroyed: its configuration was removed',
    );
    expect(change('terraform_data.keep')).toMatchObject({ action: 'change', level: 'low' });
    expect(change('terraform_data.keep').attributes).toContainEqual({
      path: 'input',
      before: 'a',
      after: 'b',
    });
    expect(change('terraform_data.new')).toMatchObject({ action: 'add', level: 'low' });
  });

  it('masks what the plan marks sensitive in every format (the plan JSON itself holds it in clear)', () => {
    expect(change('terraform_data.secret').attributes).toContainEqual({
      path: 'input',
      before: '(sensitive value)',
      after: '(sensitive value)',
      sensitive: true,
    });
    for (const format of ['json', 'md', 'html']) {
      const r = runCli(['diff', '--plan', plan, '--format', format]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('hunter');
    }
  });
});

describe('plans written out for what terraform_data cannot show', () => {
  const write = (plan: object, stack = 'warehouse-population') => {
    const dir = join(tempDir(), 'out', 'plans');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${stack}.json`);
    writeFileSync(file, JSON.stringify(plan));
    return file;
  };
  const sts = (service: string) => ({
    metadata: [{ name: 'population-s01', namespace: 'warehouse-population' }],
    spec: [{ replicas: '3', service_name: service }],
  });

  it('a StatefulSet replaced is critical; drift is medium; a secret in a block is masked', () => {
    const file = write({
      format_version: '1.2',
      terraform_version: '1.11.4',
      resource_changes: [
        {
          address: 'kubernetes_stateful_set_v1.population-s01',
          mode: 'managed',
          type: 'kubernetes_stateful_set_v1',
          name: 'population-s01',
          action_reason: 'replace_because_cannot_update',
          change: {
            actions: ['delete', 'create'],
            before: sts('a'),
            after: sts('b'),
            after_unknown: { metadata: [{ uid: true }] },
            before_sensitive: {},
            after_sensitive: {},
            replace_paths: [['spec', 0, 'service_name']],
          },
        },
        {
          address: 'kubernetes_secret_v1.db',
          mode: 'managed',
          type: 'kubernetes_secret_v1',
          name: 'db',
          change: {
            actions: ['update'],
            before: { data: { password: 'old-pw', user: 'app' } },
            after: { data: { password: 'new-pw', user: 'app' } },
            before_sensitive: { data: { password: true } },
            after_sensitive: { data: { password: true } },
          },
        },
        {
          address: 'data.kubernetes_namespace_v1.x',
          mode: 'data',
          type: 'kubernetes_namespace_v1',
          name: 'x',
          change: { actions: ['read'] },
        },
      ],
      resource_drift: [
        {
          address: 'kubernetes_config_map_v1.settings',
          mode: 'managed',
          type: 'kubernetes_config_map_v1',
          name: 'settings',
          change: { actions: ['update'], before: { data: { a: '1' } }, after: { data: { a: '2' } } },
        },
      ],
    });
    const r = runCli(['diff', '--plan', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(
      report.changes.map((c: { id: string; level: string; action: string }) => [c.id, c.level, c.action]),
    ).toEqual([
      ['kubernetes_stateful_set_v1.population-s01', 'critical', 'replace'],
      ['kubernetes_config_map_v1.settings', 'medium', 'drift'],
      // a data source read during apply is listed too
      ['data.kubernetes_namespace_v1.x', 'low', 'change'],
      ['kubernetes_secret_v1.db', 'low', 'change'],
    ]);
    const set = report.changes[0];
    expect(set).toMatchObject({ stack: 'warehouse-population', rules: [{ rule: 'AU001' }] });
    expect(set.attributes).toContainEqual({
      path: 'spec[0].service_name',
      before: 'a',
      after: 'b',
      forcesReplacement: 'replace_paths of the plan (spec.service_name)',
    });
    expect(report.changes[3].attributes).toEqual([
      { path: 'data.password', before: '(sensitive value)', after: '(sensitive value)', sensitive: true },
    ]);
    expect(r.stdout).not.toMatch(/old-pw|new-pw/);
    expect(runCli(['diff', '--plan', file, '--fail-on', 'critical']).code).toBe(1);
  });

  it('refuses a file that is not plan JSON 1.x, in one line (exit 2)', () => {
    const file = write({ format_version: '0.1', resource_changes: [] });
    const r = runCli(['diff', '--plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${file}: format_version "0.1" is not a plan JSON format 1.x (terraform show -json PLANFILE)`,
    );
  });

  const plan = (more: object) => ({ format_version: '1.2', planned_values: { root_module: {} }, ...more });
  const refused = (body: object | string) => {
    const file = write(typeof body === 'string' ? ({} as object) : body);
    if (typeof body === 'string') writeFileSync(file, body);
    const r = runCli(['diff', '--plan', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr.trim().slice(file.length + 2);
  };

  it('refuses a plan that errored, one that cannot be applied yet lists changes, and a state file (exit 2)', () => {
    // Terraform 1.11.4's internal/command/testdata/show-json/plan-error: applyable and complete false, errored true
    expect(refused(plan({ applyable: false, complete: false, errored: true }))).toMatch(
      /^the plan errored \(errored: true\): Terraform could not finish it, so it cannot be applied/,
    );
    const create = {
      address: 'terraform_data.a',
      mode: 'managed',
      type: 'terraform_data',
      name: 'a',
      change: { actions: ['create'], before: null, after: { input: 1 } },
    };
    expect(refused(plan({ applyable: false, resource_changes: [create] }))).toBe(
      'the plan says it cannot be applied (applyable: false) yet lists changes: not a plan Terraform would apply',
    );
    // terraform show -json of a state: values, no planned_values
    expect(
      refused({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } }),
    ).toMatch(/^not a plan — it has neither planned_values nor resource_changes/);
    expect(refused('[1, 2]')).toMatch(/^not a JSON object/);
  });

  it('a plan with nothing to do (applyable: false, no changes) is read as no change, not refused', () => {
    const file = write(plan({ applyable: false, complete: true, errored: false, resource_changes: [] }));
    const r = runCli(['diff', '--plan', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changes).toEqual([]);
  });

  it('refuses a plan nested past its bounds in one line (exit 2, never an internal error)', () => {
    const deep = `{"format_version":"1.2","planned_values":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(refused(deep)).toBe('nests deeper than 256 levels; expected a plan as Terraform writes it');
  });

  it('lists deposed objects, moves, imports, outputs (masked when sensitive) and an incomplete plan', () => {
    const rc = (address: string, actions: string[], more: object = {}) => ({
      address,
      mode: 'managed',
      type: 'terraform_data',
      name: address.split('.')[1],
      change: {
        actions,
        before: { input: 'a' },
        after: { input: 'a' },
        before_sensitive: {},
        after_sensitive: {},
      },
      ...more,
    });
    const file = write(
      plan({
        complete: false,
        resource_changes: [
          rc('terraform_data.old', ['delete'], { deposed: '00000001', action_reason: undefined }),
          rc('terraform_data.b', ['no-op'], { previous_address: 'terraform_data.a' }),
          {
            ...rc('terraform_data.imp', ['no-op']),
            change: { ...rc('x.y', ['no-op']).change, importing: { id: 'abc' } },
          },
        ],
        output_changes: {
          url: {
            actions: ['create'],
            before: null,
            after: 'https://x',
            after_unknown: false,
            before_sensitive: false,
            after_sensitive: false,
          },
          token: {
            actions: ['update'],
            before: 'tok-old-1',
            after: 'tok-new-2',
            after_unknown: false,
            before_sensitive: true,
            after_sensitive: true,
          },
        },
      }),
    );
    const r = runCli(['diff', '--plan', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const summaries = JSON.parse(r.stdout)
      .changes.map((c: { summary: string }) => c.summary)
      .sort();
    expect(summaries).toEqual([
      'output token will change (sensitive)',
      'output url will be created',
      'terraform_data.b (moved from terraform_data.a) is moved, with no other change',
      'terraform_data.imp will be imported (id abc), with no other change',
      'the deposed object 00000001 of terraform_data.old will be destroyed',
      'the plan is incomplete (complete: false): some changes are deferred until after this apply; plan and review again after it',
    ]);
    expect(r.stdout).not.toMatch(/tok-old-1|tok-new-2/);
  });

  it('masks a value marked sensitive in one resource wherever it appears unmarked, in every resource, output and variable', () => {
    const secret = 'correct-horse-battery';
    const file = write(
      plan({
        variables: { db_password: { value: 'var-secret-value' } },
        configuration: { root_module: { variables: { db_password: { sensitive: true } } } },
        resource_changes: [
          {
            address: 'terraform_data.a',
            mode: 'managed',
            type: 'terraform_data',
            name: 'a',
            change: {
              actions: ['update'],
              before: { input: 'x' },
              after: { input: secret },
              before_sensitive: {},
              after_sensitive: { input: true },
            },
          },
          {
            address: 'terraform_data.b',
            mode: 'managed',
            type: 'terraform_data',
            name: 'b',
            change: {
              actions: ['update'],
              before: { input: 'y', tags: [] },
              after: { input: `postgres://app:${secret}@db/x`, tags: ['var-secret-value'] },
              before_sensitive: {},
              after_sensitive: {},
            },
          },
        ],
      }),
    );
    for (const format of ['json', 'md', 'html']) {
      const r = runCli(['diff', '--plan', file, '--format', format]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(secret);
      expect(r.stdout).not.toContain('var-secret-value');
    }
  });

  it('shows what a list gained and lost when its length changes, and a reordered set once', () => {
    const file = write(
      plan({
        resource_changes: [
          {
            address: 'kubernetes_network_policy_v1.p',
            mode: 'managed',
            type: 'kubernetes_network_policy_v1',
            name: 'p',
            change: {
              actions: ['update'],
              before: {
                spec: [{ ingress: [{ port: '80' }, { port: '443' }], policy_types: ['Ingress', 'Egress'] }],
              },
              after: {
                spec: [
                  {
                    ingress: [{ port: '80' }, { port: '5432' }, { port: '443' }],
                    policy_types: ['Egress', 'Ingress'],
                  },
                ],
              },
              before_sensitive: {},
              after_sensitive: {},
            },
          },
        ],
      }),
    );
    const r = runCli(['diff', '--plan', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changes[0].attributes).toEqual([
      { path: 'spec[0].ingress[+]', after: '{"port":"5432"}' },
      { path: 'spec[0].policy_types', before: '(these items)', after: '(the same items, in another order)' },
    ]);
  });

  it('text from the plan reaches a person inert: Markdown without mentions, links, images or HTML; a terminal without escapes', () => {
    const hostile =
      'x @city/admins ![i](https://evil.example/p.png) <img src=x onerror=alert(1)> \u202eexe.txt \u001b]0;pwned\u0007';
    const file = write(
      plan({
        resource_changes: [
          {
            address: `kubernetes_config_map_v1.${hostile}`,
            mode: 'managed',
            type: 'kubernetes_config_map_v1',
            name: hostile,
            change: { actions: ['delete'], before: { data: { note: hostile } }, after: null },
          },
        ],
      }),
    );
    const md = runCli(['diff', '--plan', file, '--format', 'md']);
    expect(md.code).toBe(0);
    // markup only ever escaped: no unescaped link, image or tag, no mention, no override, no escape
    expect(md.stdout).not.toMatch(/@city|(?<!\\)\]\(|(?<!\\)<img|\u202e/);
    expect(md.stdout).not.toContain('\u001b');
    expect(md.stdout).toContain('\\!\\[i\\]\\(https:\u200b//evil.example/p.png\\)');
    expect(md.stdout).toContain('@\u200bcity/admins');
    const term = runCli(['diff', '--plan', file, '--format', 'json', '--fail-on', 'medium']);
    expect(term.code).toBe(1);
    for (const c of ['\u001b', '\u0007', '\u202e']) expect(term.stderr).not.toContain(c);
    expect(term.stderr).toContain('--fail-on medium: medium change: kubernetes_config_map_v1.x @city/admins');
  });

  it('a resource whose configuration runs a provisioner is critical in a plan too (AU009)', () => {
    const file = write(
      plan({
        resource_changes: [
          {
            address: 'terraform_data.x[0]',
            mode: 'managed',
            type: 'terraform_data',
            name: 'x',
            change: {
              actions: ['create'],
              before: null,
              after: { input: 'ok' },
              after_unknown: {},
              after_sensitive: {},
            },
          },
        ],
        configuration: {
          root_module: {
            resources: [
              { address: 'terraform_data.x', provisioners: [{ type: 'local-exec', expressions: {} }] },
            ],
          },
        },
      }),
    );
    const r = runCli(['diff', '--plan', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).changes[0];
    expect(c).toMatchObject({ id: 'terraform_data.x[0]', level: 'critical' });
    expect(c.rules.map((x: { rule: string }) => x.rule)).toEqual(['AU009']);
  });
});
