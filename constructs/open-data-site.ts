/**
 * The city's open-data portal: files in a private bucket that only CloudFront can read (origin
 * access control, signed by the distribution), served over HTTPS with security headers, and every
 * request logged.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConstructPropsError } from './construct-props-error.ts';

export interface OpenDataSiteProps {
  /** Where the content bucket's and the CDN log bucket's server access logs go. */
  readonly accessLogs: s3.IBucket;
  /**
   * The portal's own name and its ACM certificate (us-east-1); with them, viewers need TLS 1.2.
   * @default - the distribution's cloudfront.net name and certificate
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
}

export class OpenDataSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: OpenDataSiteProps) {
    super(scope, id);
    if (
      props.domain &&
      !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(props.domain.certificateArn)
    )
      throw new ConstructPropsError(
        'open-data-certificate',
        `${this.node.path}: certificate ${props.domain.certificateArn} is not an ACM certificate in us-east-1; expected arn:aws:acm:us-east-1:<account>:certificate/<id> (CloudFront reads certificates only there)`,
      );
    const bucketDefaults = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogs,
    } as const;
    this.bucket = new s3.Bucket(this, 'Content', {
      ...bucketDefaults,
      versioned: true,
      serverAccessLogsPrefix: 'open-data/',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    // CloudFront's standard logs are delivered with an ACL grant, so this bucket keeps ACLs on
    const cdnLogs = new s3.Bucket(this, 'CdnLogs', {
      ...bucketDefaults,
      serverAccessLogsPrefix: 'cdn-logs/',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });

    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'City open-data portal',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // edge locations in Asia, Vietnam's neighbours included, without the most expensive regions
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cdn/',
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    const suppressions = [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Open data is published for everyone, at home and abroad: no geographic restriction by design.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static, public, cached files with GET/HEAD only: no forms or logins for a WAF to protect; CloudFront Shield Standard covers volumetric attacks.',
      },
    ];
    if (!props.domain)
      suppressions.push({
        id: 'AwsSolutions-CFR4',
        reason:
          'Until the inventory names the portal’s domain and certificate, the distribution uses the cloudfront.net certificate, whose minimum protocol CloudFront does not let us raise; set offsite.openDataDomain to require TLS 1.2.',
      });
    for (const s of suppressions) Validations.of(this.distribution).acknowledge(s);
  }
}
