// integration: synthesizes the whole built-in city, several times (vitest.config.ts)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT } from '../../synth/manifest.ts';
import { OutFolderError } from '../../synth/out-folder.ts';
import { synthesize, ViewError } from '../../synth/synth.ts';
import { VIEWS } from '../../synth/views.ts';
import type { View } from '../../view/view.ts';
import { modelOf, smallCity, tempDir } from '../helpers/city.ts';

const model = modelOf(smallCity());
const inputs = [{ path: 'city.yaml', sha256: 'a'.repeat(64) }];
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under a folder, path → content. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

describe('synthesize', () => {
  it('writes model/city.json and a manifest with the counts and the digest of every artifact', async () => {
    const out = join(tempDir(), 'out');
    const { manifest } = await synthesize({ model, inputs, outDir: out });
    expect(manifest.format).toBe(MANIFEST_FORMAT);
    expect(manifest.inventory).toEqual({
      servers: 14,
      serversByPhase: { 'in-service': 14 },
      racks: 3,
      pools: 2,
      connectionPoints: 14,
      warehouses: 1,
      publicServices: { total: 6, full: 4, partial: 2 },
      tenants: 1,
    });
    expect(manifest.inputs).toEqual(inputs);
    // the platform stack: a label per server, a taint per server of the dedicated pool, 3 classes
    expect(manifest.resources).toEqual({
      // the key, the access-log bucket, the open-data site, and per warehouse a bucket and its agent's role
      offsite: {
        'AWS::CloudFront::Distribution': 1,
        'AWS::CloudFront::OriginAccessControl': 1,
        'AWS::IAM::Policy': 1,
        'AWS::IAM::Role': 1,
        'AWS::KMS::Alias': 1,
        'AWS::KMS::Key': 1,
        'AWS::S3::Bucket': 4,
        'AWS::S3::BucketPolicy': 4,
      },
      platform: {
        kubernetes_cluster_role_binding_v1: 1,
        kubernetes_cluster_role_v1: 1,
        kubernetes_deployment_v1: 1,
        kubernetes_namespace_v1: 1,
        kubernetes_priority_class_v1: 3,
        kubernetes_service_account_v1: 1,
        kubernetes_service_v1: 1,
      },
      // the one row of racks: a label per server, a taint per server of the dedicated pool
      'platform-h1-r01': { kubernetes_labels: 14, kubernetes_node_taint: 6 },
      // one tenant reaching one warehouse: namespace, quota, limits, 3 policies, a binding
      tenants: {
        kubernetes_limit_range_v1: 1,
        kubernetes_namespace_v1: 1,
        kubernetes_network_policy_v1: 3,
        kubernetes_resource_quota_v1: 1,
        kubernetes_role_binding_v1: 1,
      },
      // one ClickHouse shard and its keeper (set, headless service, budget each), the connector
      // to the national system, namespace, 7 policies (deny, DNS, internal, readers, connector,
      // the drill's way to the API server, the way out to the off-site bucket), the shard's full
      // and incremental backup CronJobs (off-site, through the Roles Anywhere trust anchor the
      // small city names), and the monthly restore drill: its CronJob, account, role and binding,
      // cluster role and binding, admission policy and its binding
      'warehouse-wa': {
        kubernetes_cluster_role_binding_v1: 1,
        kubernetes_cluster_role_v1: 1,
        kubernetes_cron_job_v1: 3,
        kubernetes_deployment_v1: 1,
        kubernetes_manifest: 2,
        kubernetes_namespace_v1: 1,
        kubernetes_network_policy_v1: 7,
        kubernetes_pod_disruption_budget_v1: 2,
        kubernetes_role_binding_v1: 1,
        kubernetes_role_v1: 1,
        kubernetes_service_account_v1: 1,
        kubernetes_service_v1: 2,
        kubernetes_stateful_set_v1: 2,
      },
    });
    const city = readFileSync(join(out, 'model/city.json'));
    expect(manifest.artifacts.find((a: { path: string }) => a.path === 'model/city.json')).toEqual({
      path: 'model/city.json',
      sha256: sha(city),
      bytes: city.byteLength,
    });
    // every artifact is listed, in path order, with the digest of what is on disk
    const paths = manifest.artifacts.map((x) => x.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toContain('network/topology.html');
    for (const x of manifest.artifacts) expect(sha(readFileSync(join(out, x.path))), x.path).toBe(x.sha256);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(JSON.parse(city.toString('utf8')).servers).toHaveLength(14);
  });

  it('is byte-identical across runs', async () => {
    const a = join(tempDir(), 'out');
    const b = join(tempDir(), 'out');
    await synthesize({ model, inputs, outDir: a });
    await synthesize({ model: modelOf(smallCity()), inputs, outDir: b });
    expect(tree(a)).toEqual(tree(b));
  });

  it('replaces the previous output as a whole, leaving no temporary folder', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    await synthesize({ model, inputs, outDir: out });
    writeFileSync(join(out, 'stale.txt'), 'from an older synth');
    await synthesize({ model, inputs, outDir: out });
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('leaves the previous output untouched when a view fails', async () => {
    const out = join(tempDir(), 'out');
    await synthesize({ model, inputs, outDir: out });
    const before = tree(out);
    const broken: View = {
      name: 'broken',
      render: () => {
        throw new Error('view failed');
      },
    };
    await expect(synthesize({ model, inputs, outDir: out, views: [...VIEWS, broken] })).rejects.toThrow(
      'view failed',
    );
    expect(tree(out)).toEqual(before);
  });

  it('leaves the previous output untouched when writing fails half-way', async () => {
    const out = join(tempDir(), 'out');
    await synthesize({ model, inputs, outDir: out });
    const before = tree(out);
    // a file and a folder of the same name cannot both be written
    const clash: View = {
      name: 'clash',
      render: () => [
        { path: 'x', content: 'file' },
        { path: 'x/y', content: 'under a file' },
      ],
    };
    await expect(synthesize({ model, inputs, outDir: out, views: [clash] })).rejects.toThrow();
    expect(tree(out)).toEqual(before);
    expect(readdirSync(join(out, '..'))).toEqual(['out']);
  });

  it.each([
    ['an absolute path', '/etc/passwd'],
    ['a path out of the folder', '../escape.txt'],
    ['an unnormalized path', 'a//b.txt'],
    ['the manifest itself', 'manifest.json'],
  ])('refuses a view that writes %s', async (_, path) => {
    const bad: View = { name: 'bad', render: () => [{ path, content: 'x' }] };
    await expect(synthesize({ model, inputs, outDir: join(tempDir(), 'out'), views: [bad] })).rejects.toThrow(
      ViewError,
    );
  });

  it('refuses two views writing the same file', async () => {
    const twice: View = { name: 'twice', render: () => [{ path: 'model/city.json', content: 'x' }] };
    await expect(
      synthesize({ model, inputs, outDir: join(tempDir(), 'out'), views: [...VIEWS, twice] }),
    ).rejects.toThrow('view twice: artifact path "model/city.json" is also written by view model');
  });

  it('refuses to replace a folder that is not a citycloud output', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'thesis.tex'), 'years of work');
    await expect(synthesize({ model, inputs, outDir: out })).rejects.toThrow(OutFolderError);
    expect(readFileSync(join(out, 'thesis.tex'), 'utf8')).toBe('years of work');
  });

  it('refuses an output path that is a file', async () => {
    const file = join(tempDir(), 'out');
    writeFileSync(file, 'x');
    await expect(synthesize({ model, inputs, outDir: file })).rejects.toThrow(/is not a folder/);
  });

  it('cleans temporary folders left by a synth that crashed', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    // pid 2^22 + 1 is above Linux's pid_max, so no process can own it
    mkdirSync(join(dir, `out.tmp-${2 ** 22 + 1}`));
    await synthesize({ model, inputs, outDir: out });
    expect(readdirSync(dir)).toEqual(['out']);
  });
});
