/**
 * A planned phase is in the model and not deployed: the built-in city's 48 servers of the 2024
 * plan are in no row stack and its tenant in no stack; switching the phase to in service adds
 * exactly their resources — the diff's own account: nothing removed, nothing moved, the one
 * change the warehouse policy that lets the new tenant read — and every other stack is the same bytes.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { BUILTIN_CITY, ROOT, runCli, tempDir } from '../helpers/city.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;
const planned = model.servers.filter((s) => s.phase === '2024-plan').map((s) => s.name);
const stacksOf = (out: string) => readdirSync(join(out, 'terraform/stacks')).sort();
const stackJson = (out: string, stack: string) =>
  JSON.parse(readFileSync(join(out, 'terraform/stacks', stack, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, { metadata?: { name?: string; namespace?: string } }>>;
  };

interface DiffChange {
  readonly area: string;
  readonly stack: string;
  readonly kind: string;
  readonly id: string;
  readonly action: 'add' | 'remove' | 'change' | 'replace';
}

describe('a planned phase', () => {
  const dir = tempDir('citycloud-phase-');
  const now = join(dir, 'now');
  const live = join(dir, 'live');
  let changes: DiffChange[] = [];

  beforeAll(() => {
    const inventory = join(dir, 'inventory');
    cpSync(join(ROOT, 'inventory'), inventory, { recursive: true });
    const city = join(inventory, 'city.yaml');
    const text = readFileSync(city, 'utf8');
    expect(text).toContain('status: planned}');
    writeFileSync(city, text.replace('status: planned}', 'status: in-service}'));
    for (const [inv, out] of [
      [BUILTIN_CITY, now],
      [city, live],
    ] as const) {
      const r = runCli(['synth', '-i', inv, '--out', out, '--cache', join(dir, 'cache')]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    const report = join(dir, 'diff.json');
    const d = runCli(['diff', now, live, '--format', 'json', '-o', report]);
    expect(d.code, d.stderr).toBe(0);
    changes = (JSON.parse(readFileSync(report, 'utf8')) as { changes: DiffChange[] }).changes;
  }, 180_000);

  it('has its 48 servers in no row stack, and every server in service in one', () => {
    expect(planned).toHaveLength(48);
    const labelled = stacksOf(now)
      .filter((s) => s.startsWith('platform-'))
      .flatMap((s) =>
        Object.values(stackJson(now, s).resource?.kubernetes_labels ?? {}).map((r) => r.metadata?.name),
      );
    expect(labelled.filter((n) => planned.includes(n as string))).toEqual([]);
    expect(labelled.sort()).toEqual(
      model.servers
        .filter((s) => s.phase === '2023')
        .map((s) => s.name)
        .sort(),
    );
  });

  it('deploys nothing for its tenant', () => {
    const text = stacksOf(now)
      .map((s) => readFileSync(join(now, 'terraform/stacks', s, 'cdk.tf.json'), 'utf8'))
      .join('\n');
    expect(text).not.toContain('urban-cameras');
    expect(readFileSync(join(live, 'terraform/stacks/tenants/cdk.tf.json'), 'utf8')).toContain(
      'tenant-urban-cameras',
    );
  });

  it('in service, adds exactly its servers’ and tenant’s resources and moves none', () => {
    expect(changes.filter((c) => c.action !== 'add' && c.action !== 'change')).toEqual([]);
    // only the warehouse its tenant reads lets it in (the dashboards, which gain its pool and
    // tenant, are derived from the model: their files are listed as changed, not diffed)
    expect(changes.filter((c) => c.action === 'change').map((c) => `${c.stack} ${c.id}`)).toEqual([
      'warehouse-iot kubernetes_network_policy_v1.iot-allow-readers',
    ]);
    const added = (kind: string) => changes.filter((c) => c.action === 'add' && c.kind === kind);
    expect(added('kubernetes_labels')).toHaveLength(48);
    expect(added('kubernetes_node_taint')).toHaveLength(48);
    // the rest of what is added is the tenant's (its namespace and app) and the new row's stack in
    // Terraform; in the monitoring, the servers' targets and the pool's rules
    for (const c of changes.filter((x) => x.action === 'add')) {
      if (c.area === 'terraform')
        expect(`${c.stack} ${c.id}`).toMatch(
          /^(platform-h2-r04 |tenants .*urban-cameras|apps .*urban-cameras)/,
        );
      else {
        expect(c.area, c.id).toBe('monitoring');
        expect(c.id.includes('iot-ai') || planned.some((n) => c.id.includes(n)), c.id).toBe(true);
      }
    }
  });

  it('is scraped, alerted on and backfilled for nothing, until it is in service', () => {
    const instances = (out: string) =>
      (
        JSON.parse(readFileSync(join(out, 'monitoring/targets/nodes.json'), 'utf8')) as {
          labels: { instance: string };
        }[]
      ).map((g) => g.labels.instance);
    expect(instances(now).filter((n) => planned.includes(n))).toEqual([]);
    expect(instances(now)).toHaveLength(1028);
    expect(
      instances(live)
        .filter((n) => planned.includes(n))
        .sort(),
    ).toEqual([...planned].sort());
    const rules = (out: string) =>
      readdirSync(join(out, 'monitoring/rules'))
        .map((file) => readFileSync(join(out, 'monitoring/rules', file), 'utf8'))
        .join('');
    expect(rules(now)).not.toContain('iot-ai');
    expect(rules(live)).toContain('pool="iot-ai"');
  });

  it('in service, leaves every other stack the same bytes', () => {
    const touched = new Set(['platform-h2-r04', 'tenants', 'apps', 'warehouse-iot']);
    expect(stacksOf(live)).toEqual([...stacksOf(now), 'platform-h2-r04'].sort());
    for (const s of stacksOf(now).filter((x) => !touched.has(x)))
      expect(
        readFileSync(join(live, 'terraform/stacks', s, 'cdk.tf.json')).equals(
          readFileSync(join(now, 'terraform/stacks', s, 'cdk.tf.json')),
        ),
        s,
      ).toBe(true);
  });
});
