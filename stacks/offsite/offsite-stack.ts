/**
 * The off-site tier, on AWS through aws-cdk-lib: the city's backup key (rotated yearly), one
 * access-log bucket, an object-locked backup bucket and agent role per warehouse, and the
 * open-data portal behind CloudFront. Environment-agnostic in the account (no credentials needed
 * to synthesize), pinned to the inventory's region.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { OpenDataSite } from '../../constructs/open-data-site.ts';
import { WarehouseBackup } from '../../constructs/warehouse-backup.ts';
import { backupExpiryDays, offsiteBucketName } from '../../model/index.ts';
import type { OffsiteInput } from './offsite-input.ts';

export class OffsiteStack extends Stack {
  readonly backups: readonly WarehouseBackup[];

  constructor(scope: Construct, id: string, model: OffsiteInput) {
    super(scope, id, {
      env: { region: model.offsite.region },
      description: `${model.city.nameEn ?? model.city.name} government cloud: off-site backups of the warehouses and the open-data portal (citycloud)`,
      tags: { 'citycloud:city': model.city.code, 'citycloud:tier': 'offsite' },
    });
    const key = new kms.Key(this, 'BackupKey', {
      alias: 'alias/citycloud-backups',
      description: 'Encrypts every warehouse backup kept off-site',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-old-logs',
          expiration: Duration.days(400),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backups = model.warehouses.map(
      (warehouse) =>
        new WarehouseBackup(this, `Backup-${warehouse.id}`, {
          warehouse,
          offsite: model.offsite,
          key,
          accessLogs,
          bucketName: offsiteBucketName(model.city.code, warehouse.id),
          expireAfterDays: backupExpiryDays(warehouse.backup),
        }),
    );
    new OpenDataSite(this, 'OpenData', {
      accessLogs,
      ...(model.offsite.openDataDomain ? { domain: model.offsite.openDataDomain } : {}),
    });
  }
}
