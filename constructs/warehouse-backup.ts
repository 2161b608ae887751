/**
 * A warehouse's off-site backups: an object-locked (compliance mode: nobody, root included, can
 * delete a backup before its retention ends), versioned bucket encrypted with the city's key,
 * reachable only over TLS, never public, logged, moving to colder storage as it ages; and the
 * role the warehouse's backup agent assumes through IAM Roles Anywhere (its certificate from the
 * city's CA names it), allowed to write and read that bucket and nothing else.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { backupAgentRoleName, type Offsite, type Warehouse } from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';

export interface WarehouseBackupProps {
  /** The warehouse, from the model (its id and name are all a backup needs). */
  readonly warehouse: Pick<Warehouse, 'id' | 'name'>;
  /** Retention and storage tiers, from the model's `offsite`. */
  readonly offsite: Offsite;
  /** The key every backup is encrypted with. */
  readonly key: kms.IKey;
  /** Where the bucket's server access logs go. */
  readonly accessLogs: s3.IBucket;
  /**
   * The bucket's name, which the Kubernetes stacks write their backups to (model/offsite-names.ts:
   * both tiers derive it from the model; a generated name is known only after the deploy).
   */
  readonly bucketName: string;
  /**
   * Days a backup object is kept before it expires (the warehouse's promise: its full backups
   * kept, a period apart, and one period more; model/offsite-names.ts backupExpiryDays). The
   * agent may not delete, so this is what enforces the retention; an expired object stays a
   * noncurrent version until noncurrentExpireDays.
   */
  readonly expireAfterDays: number;
  /**
   * The common name in the backup agent's certificate.
   * @default `backup-agent.<warehouse>.hcmc.gov.vn`
   */
  readonly agentCommonName?: string;
}

export class WarehouseBackup extends Construct {
  readonly bucket: s3.Bucket;
  readonly agentRole: iam.Role;
  readonly agentCommonName: string;

  constructor(scope: Construct, id: string, props: WarehouseBackupProps) {
    super(scope, id);
    const { warehouse: w, offsite: o } = props;
    if (!(o.infrequentAfterDays < o.archiveAfterDays))
      throw new ConstructPropsError(
        'backup-tier-order',
        `${this.node.path} (${o.path}): infrequentAfterDays ${o.infrequentAfterDays} must come before archiveAfterDays ${o.archiveAfterDays}`,
        o.path,
      );
    // Deep Archive bills 180 days at least; Glacier Instant Retrieval 90
    if (o.archiveAfterDays - o.infrequentAfterDays < 90)
      throw new ConstructPropsError(
        'backup-tier-minimum',
        `${this.node.path} (${o.path}): backups would leave Glacier Instant Retrieval after ${o.archiveAfterDays - o.infrequentAfterDays} days, under its 90-day minimum; expected archiveAfterDays ≥ infrequentAfterDays + 90`,
        o.path,
      );
    this.agentCommonName = props.agentCommonName ?? `backup-agent.${w.id}.hcmc.gov.vn`;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(o.backupRetentionDays)),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: `backup-${w.id}/`,
      lifecycleRules: [
        {
          id: 'age-into-colder-storage',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(o.infrequentAfterDays),
            },
            {
              storageClass: s3.StorageClass.DEEP_ARCHIVE,
              transitionAfter: Duration.days(o.archiveAfterDays),
            },
          ],
          noncurrentVersionExpiration: Duration.days(o.noncurrentExpireDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        // a rule of its own: S3 refuses an expiration before a transition within one rule
        { id: 'expire-beyond-promise', expiration: Duration.days(props.expireAfterDays) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Roles Anywhere needs the three actions; only a certificate naming this warehouse's agent gets any
    const onlyThisAgent = { StringEquals: { 'aws:PrincipalTag/x509Subject/CN': this.agentCommonName } };
    const rolesAnywhere = new iam.ServicePrincipal('rolesanywhere.amazonaws.com');
    this.agentRole = new iam.Role(this, 'AgentRole', {
      // named, so the credential helper in the Kubernetes stacks can be given its ARN
      roleName: backupAgentRoleName(w.id),
      description: `Backup agent of the ${w.name}: writes and restores its backups, nothing else`,
      assumedBy: new iam.PrincipalWithConditions(rolesAnywhere, onlyThisAgent),
      maxSessionDuration: Duration.hours(1),
    });
    this.agentRole.assumeRolePolicy?.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:TagSession', 'sts:SetSourceIdentity'],
        principals: [rolesAnywhere],
        conditions: onlyThisAgent,
      }),
    );
    this.agentRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    this.agentRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    this.agentRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
      }),
    );
    Validations.of(this.agentRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId)}.Arn>/*]`,
      reason:
        'Backup object keys are named per run by the agent; the wildcard covers the objects of this warehouse’s own bucket only, with no delete action (and object lock besides).',
    });
  }
}
