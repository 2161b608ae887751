import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1/index.js';
import { describe, expect, it } from 'vitest';
import { BackupTarget } from '../../../constructs/warehouse/backup-target.ts';
import { SIGNING_HELPER_IMAGE } from '../../../constructs/warehouse/roles-anywhere-agent.ts';
import { DEFAULT_WAREHOUSE_IMAGES } from '../../../constructs/warehouse-cluster.ts';
import {
  backupAgentArns,
  type CityModel,
  loadCity,
  offsiteBucketName,
  offsiteS3Endpoint,
} from '../../../model/index.ts';
import { BUILTIN_CITY, type RawCity } from '../../helpers/city.ts';
import { secretsWithValues, synthWarehouse } from '../../helpers/constructs.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const offsite = (id: string) =>
  BackupTarget.offsite({
    region: 'ap-southeast-1',
    endpoint: offsiteS3Endpoint('ap-southeast-1'),
    bucket: offsiteBucketName(city.city.code, id),
    agent: backupAgentArns(city.offsite, id) as NonNullable<ReturnType<typeof backupAgentArns>>,
  });
const synth = (id: string, backupTarget: BackupTarget) => synthWarehouse(city, id, { backupTarget });
const envOf = (container: RawCity) =>
  Object.fromEntries((container.env ?? []).map((e: RawCity) => [e.name, e.value ?? e.value_from]));

const HELPER_ARGS = (role: string) => [
  'serve',
  '--certificate',
  '/etc/backup-agent/tls.crt',
  '--private-key',
  '/etc/backup-agent/tls.key',
  '--trust-anchor-arn',
  'arn:aws:rolesanywhere:ap-southeast-1:111122223333:trust-anchor/8f5f6b1e-3d2a-4c1b-9e7f-2a6d0c4b5e31',
  '--profile-arn',
  'arn:aws:rolesanywhere:ap-southeast-1:111122223333:profile/4c0e2d7a-91b3-4f6e-8a25-d3b1f0c97e42',
  '--role-arn',
  `arn:aws:iam::111122223333:role/${role}`,
  '--port',
  '9911',
  '--hop-limit',
  '1',
];

describe('off-site backups through the backup agent’s role (IAM Roles Anywhere)', () => {
  // construction: PostgreSQL, internal data, backs up off-site
  const pg = synth('construction', offsite('construction'));
  const pgPod = pg[StatefulSetV1.tfResourceType]?.['construction-s01']?.spec.template.spec;

  it('has Spilo archive with WAL-G to the off-site bucket the CDK stack names, in its region, under the bucket’s own KMS encryption', () => {
    const env = envOf(pgPod.container[0]);
    expect(env).toMatchObject({
      USE_WALG_BACKUP: 'true',
      USE_WALG_RESTORE: 'true',
      WAL_S3_BUCKET: 'citycloud-79-backup-construction',
      AWS_REGION: 'ap-southeast-1',
      WALG_DISABLE_S3_SSE: 'true',
      WALE_ENV_DIR: '/run/etc/wal-e.d/env',
      BACKUP_SCHEDULE: '0 18 * * *',
      WALG_LIBSODIUM_KEY: {
        secret_key_ref: { name: 'construction-backup-credentials', key: 'libsodium-key' },
      },
    });
    // no endpoint (AWS itself) and no keys: the agent's role
    for (const name of ['AWS_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
      expect(env[name], name).toBeUndefined();
  });

  it('runs the credential helper beside it, its certificate from the agent’s Secret, and writes where it serves into WAL-G’s envdir', () => {
    const helper = pgPod.container.find((c: RawCity) => c.name === 'backup-agent');
    expect(helper.image).toBe(SIGNING_HELPER_IMAGE);
    expect(helper.args).toEqual(HELPER_ARGS('citycloud-backup-agent-construction'));
    expect(helper.volume_mount).toEqual([
      { name: 'backup-agent-tls', mount_path: '/etc/backup-agent', read_only: true },
    ]);
    expect(helper.resources.requests).toEqual(helper.resources.limits);
    expect(pgPod.volume).toContainEqual({
      name: 'backup-agent-tls',
      secret: { secret_name: 'construction-backup-agent' },
    });
    expect(pgPod.volume).toContainEqual({
      name: 'walg-env',
      empty_dir: { medium: 'Memory', size_limit: '1Mi' },
    });
    // patroni's runit script and cron's `env -i` drop the container's environment: the envdir carries it
    const init = pgPod.init_container[0];
    expect(init.image).toBe(DEFAULT_WAREHOUSE_IMAGES.postgresql);
    expect(init.command).toEqual([
      'sh',
      '-c',
      'printf %s "$ENDPOINT" > "$WALE_ENV_DIR/AWS_EC2_METADATA_SERVICE_ENDPOINT"',
    ]);
    expect(envOf(init)).toEqual({ ENDPOINT: 'http://127.0.0.1:9911', WALE_ENV_DIR: '/run/etc/wal-e.d/env' });
    for (const c of [init, pgPod.container[0]])
      expect(c.volume_mount).toContainEqual({ name: 'walg-env', mount_path: '/run/etc/wal-e.d/env' });
  });

  it('has the ClickHouse server take the agent’s role from the helper for its BACKUPs', () => {
    const ch = synth('enterprise', offsite('enterprise'));
    const pod = ch[StatefulSetV1.tfResourceType]?.['enterprise-s01']?.spec.template.spec;
    const env = envOf(pod.container[0]);
    expect(env.AWS_EC2_METADATA_SERVICE_ENDPOINT).toBe('http://127.0.0.1:9911');
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(pod.container.find((c: RawCity) => c.name === 'backup-agent').args).toEqual(
      HELPER_ARGS('citycloud-backup-agent-enterprise'),
    );
    const job = ch.kubernetes_cron_job_v1?.['enterprise-s01-backup'];
    expect(envOf(job.spec.job_template.spec.template.spec.container[0]).BACKUP_URL).toBe(
      'https://s3.ap-southeast-1.amazonaws.com/citycloud-79-backup-enterprise/clickhouse/enterprise-s01',
    );
    // the database pods, and only they, reach AWS on 443; the city's own networks stay shut
    expect(ch[NetworkPolicyV1.tfResourceType]?.['enterprise-allow-offsite-backup']?.spec).toEqual({
      pod_selector: {
        match_labels: {
          'app.kubernetes.io/part-of': 'warehouse-enterprise',
          'citycloud.hcmc.gov.vn/warehouse': 'enterprise',
          'app.kubernetes.io/name': 'clickhouse',
        },
      },
      policy_types: ['Egress'],
      egress: [
        {
          to: [
            {
              ip_block: {
                cidr: '0.0.0.0/0',
                except: [
                  '10.0.0.0/8',
                  '172.16.0.0/12',
                  '192.168.0.0/16',
                  '100.64.0.0/10',
                  '169.254.0.0/16',
                  '127.0.0.0/8',
                  '0.0.0.0/8',
                  '198.18.0.0/15',
                  '224.0.0.0/3',
                ],
              },
            },
          ],
          ports: [{ port: '443', protocol: 'TCP' }],
        },
      ],
    });
    expect(ch[NetworkPolicyV1.tfResourceType]?.['enterprise-allow-backup']).toBeUndefined();
  });

  it('puts no key, certificate or password in the stack: every such variable is a reference', () => {
    expect(secretsWithValues(pg)).toEqual([]);
    expect(JSON.stringify(pg)).not.toContain('BEGIN');
  });
});
