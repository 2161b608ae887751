import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpenDataSite } from '../../../constructs/open-data-site.ts';
import { WarehouseBackup } from '../../../constructs/warehouse-backup.ts';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { synthOffsite, violationsIn } from '../../../stacks/offsite/offsite-assembly.ts';
import { OffsiteCheckError } from '../../../stacks/offsite/offsite-check-error.ts';
import { terraformView } from '../../../stacks/terraform-view.ts';
import type { Artifact } from '../../../view/view.ts';
import { BUILTIN_CITY, tempDir } from '../../helpers/city.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const text = (a: Artifact | undefined) => Buffer.from(a?.content ?? '').toString('utf8');
let files: Artifact[];
let template: Template;
let raw: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

// aws-cdk-lib's template validation takes seconds to start: one synth for the whole file
beforeAll(() => {
  files = synthOffsite(city);
  raw = JSON.parse(text(files.find((f) => f.path === 'cloudformation/offsite.template.json')));
  template = Template.fromJSON(raw);
}, 60_000);

describe('the off-site stack', () => {
  it('is a deployable cloud assembly under cloudformation/, well under CloudFormation’s resource limit', () => {
    expect(files.map((f) => f.path)).toEqual([
      'cloudformation/cdk.out',
      'cloudformation/manifest.json',
      'cloudformation/offsite.assets.json',
      'cloudformation/offsite.metadata.json',
      'cloudformation/offsite.template.json',
      'cloudformation/tree.json',
      'cloudformation/validation-report.json',
    ]);
    const types = Object.values(raw.Resources).map((r) => r.Type);
    expect(types.length).toBeLessThan(500);
    expect(types.filter((t) => t === 'AWS::S3::Bucket')).toHaveLength(city.warehouses.length + 3);
    const manifest = JSON.parse(text(files.find((f) => f.path === 'cloudformation/manifest.json')));
    expect(manifest.artifacts.offsite.environment).toBe('aws://unknown-account/ap-southeast-1');
  });

  it('passes cdk-nag’s AWS Solutions pack and the built-in template validation with no finding', () => {
    const report = JSON.parse(text(files.find((f) => f.path === 'cloudformation/validation-report.json')));
    expect(report.pluginReports).toEqual([]);
  });

  it('keeps each warehouse’s backups object-locked, versioned, KMS-encrypted, TLS-only, private and logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 35 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'backup-population/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Transitions: [
              { StorageClass: 'GLACIER_IR', TransitionInDays: 30 },
              { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 120 },
            ],
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ]),
      },
    });
    const locked = Object.values(raw.Resources).filter(
      (r) => r.Type === 'AWS::S3::Bucket' && r.Properties.ObjectLockEnabled === true,
    );
    expect(locked).toHaveLength(city.warehouses.length);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, RotationPeriodInDays: 365 });
  });

  it('names each bucket and agent role from the model, so the Kubernetes stacks can be told them, and expires backups the promise no longer keeps', () => {
    const buckets = Object.values(raw.Resources).filter(
      (r) => r.Type === 'AWS::S3::Bucket' && r.Properties.ObjectLockEnabled === true,
    );
    expect(buckets.map((b) => b.Properties.BucketName).sort()).toEqual(
      city.warehouses.map((w) => `citycloud-79-backup-${w.id}`).sort(),
    );
    const roles = Object.values(raw.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.map((r) => r.Properties.RoleName).sort()).toEqual(
      city.warehouses.map((w) => `citycloud-backup-agent-${w.id}`).sort(),
    );
    // the defaults: daily full backups, 8 kept: 9 days; open data weekly, 5 kept: 6 weeks. An
    // expired backup stays a noncurrent version for 365 days more
    for (const w of city.warehouses) {
      const bucket = buckets.find((b) => b.Properties.BucketName === `citycloud-79-backup-${w.id}`);
      expect(
        (bucket?.Properties.LifecycleConfiguration as { Rules: unknown[] } | undefined)?.Rules,
        w.id,
      ).toContainEqual({
        Id: 'expire-beyond-promise',
        Status: 'Enabled',
        ExpirationInDays: w.classification === 'open' ? 42 : 9,
      });
    }
  });

  it('is where the Kubernetes stacks send the off-site backups: the bucket and the agent role it names', async () => {
    const stack = (await terraformView.render(city)).find(
      (f) => f.path === 'terraform/stacks/warehouse-construction/cdk.tf.json',
    );
    const sets = JSON.parse(text(stack)).resource.kubernetes_stateful_set_v1;
    const pod = sets['construction-s01'].spec.template.spec;
    const bucket = pod.container[0].env.find((e: { name: string }) => e.name === 'WAL_S3_BUCKET').value;
    const args: string[] = pod.container.find((c: { name: string }) => c.name === 'backup-agent').args;
    const role = args[args.indexOf('--role-arn') + 1];
    expect(Object.values(raw.Resources).map((r) => r.Properties.BucketName)).toContain(bucket);
    expect(role).toBe(
      `arn:aws:iam::111122223333:role/${Object.values(raw.Resources)
        .map((r) => r.Properties.RoleName)
        .find((n) => n === 'citycloud-backup-agent-construction')}`,
    );
  });

  it('lets each backup agent, by its certificate, write and read its own bucket and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        // one statement: no certificate but this warehouse's agent's can take any step of the session
        Statement: [
          {
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
            Condition: {
              StringEquals: { 'aws:PrincipalTag/x509Subject/CN': 'backup-agent.population.hcmc.gov.vn' },
            },
            Effect: 'Allow',
            Principal: { Service: 'rolesanywhere.amazonaws.com' },
          },
        ],
      },
      MaxSessionDuration: 3600,
    });
    const policies = Object.values(raw.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(policies).toHaveLength(city.warehouses.length);
    const actions = policies.flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap(
        (s) => s.Action,
      ),
    );
    expect([...new Set(actions)].sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:ListBucket',
      's3:PutObject',
    ]);
    // the one wildcard (object keys) is acknowledged with its reason in the template, for the auditors
    expect(JSON.stringify(raw)).toContain('Backup object keys are named per run by the agent');
  });

  it('serves open data through CloudFront with origin access control over HTTPS, with logs', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cdn/' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        HttpVersion: 'http2and3',
      }),
    });
  });

  it('has no absolute path, timestamp or stack trace of this machine in any file, and the same bytes again', () => {
    for (const f of files)
      expect(text(f), f.path).not.toMatch(/\/(work|tmp|root|home)\/|"trace"|\d{4}-\d\d-\d\dT\d\d:/);
    const again = synthOffsite(city);
    expect(again.map((f) => [f.path, text(f)])).toEqual(files.map((f) => [f.path, text(f)]));
  }, 60_000);

  it('requires TLS 1.2 from viewers once the inventory names the portal’s domain and certificate', () => {
    const withDomain = {
      ...city,
      offsite: {
        ...city.offsite,
        openDataDomain: {
          name: 'opendata.hochiminhcity.gov.vn',
          certificateArn:
            'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
        },
      },
    };
    const t = Template.fromJSON(
      JSON.parse(
        text(synthOffsite(withDomain).find((f) => f.path === 'cloudformation/offsite.template.json')),
      ),
    );
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['opendata.hochiminhcity.gov.vn'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
  }, 60_000);
});

describe('the off-site checks', () => {
  it('fail on a bucket that breaks the AWS Solutions rules, naming the construct and the rule', () => {
    const app = new App({
      outdir: tempDir(),
      context: { '@aws-cdk/core:validateAgainstDefaultRules': true },
    });
    const stack = new Stack(app, 'offsite');
    new s3.Bucket(stack, 'Careless');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const error = console.error;
    console.error = () => {};
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    } finally {
      console.error = error;
    }
    expect(message).toContain("Acknowledge with 'AwsSolutions::AwsSolutions-S10'");
    const lines = violationsIn(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
    expect(lines).toEqual([
      'offsite/Careless/Resource: AwsSolutions-S1 (AwsSolutions): The S3 Bucket has server access logs disabled.',
      'offsite/Careless/Resource: AwsSolutions-S10 (AwsSolutions): The S3 Bucket or bucket policy does not require requests to use SSL.',
    ]);
    expect(new OffsiteCheckError(lines).message).toBe(
      `the off-site stack fails its checks:\n${lines.join('\n')}`,
    );
  }, 60_000);

  it('refuse storage tiers that would move backups out of Glacier Instant Retrieval within its minimum, and a certificate outside us-east-1', () => {
    const stack = new Stack(new App(), 'offsite');
    const key = new kms.Key(stack, 'Key');
    const logs = new s3.Bucket(stack, 'Logs');
    const warehouse = city.warehouses[0] as CityModel['warehouses'][number];
    expect(
      () =>
        new WarehouseBackup(stack, 'Backup', {
          warehouse,
          offsite: { ...city.offsite, infrequentAfterDays: 30, archiveAfterDays: 60 },
          key,
          accessLogs: logs,
          bucketName: 'citycloud-79-backup-x',
          expireAfterDays: 9,
        }),
    ).toThrow(
      'offsite/Backup (offsite): backups would leave Glacier Instant Retrieval after 30 days, under its 90-day minimum; expected archiveAfterDays ≥ infrequentAfterDays + 90',
    );
    expect(
      () =>
        new OpenDataSite(stack, 'Site', {
          accessLogs: logs,
          domain: {
            name: 'x.example',
            certificateArn: 'arn:aws:acm:ap-southeast-1:123456789012:certificate/abc',
          },
        }),
    ).toThrow(
      /^offsite\/Site: certificate arn:aws:acm:ap-southeast-1:123456789012:certificate\/abc is not an ACM certificate in us-east-1/,
    );
  });
});
