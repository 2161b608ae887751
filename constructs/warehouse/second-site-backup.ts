/**
 * Where a warehouse's backups go when it is the city's own second site (personal data that may
 * not leave the country): a ConfigMap the backup tools read, and the one way out to the site.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1/index.js';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { Construct } from 'constructs';
import type { SecondSite } from '../../model/index.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

export interface SecondSiteBackupProps {
  /** The warehouse that backs up. */
  readonly scope: WarehouseScope;
  /** The city's second site, from the model. */
  readonly site: SecondSite;
  /** The bucket of the warehouse's backups on the site's store. */
  readonly bucket: string;
}

export class SecondSiteBackup extends Construct {
  constructor(scope: Construct, id: string, props: SecondSiteBackupProps) {
    super(scope, id);
    const { scope: s, site } = props;
    const w = s.warehouse.id;
    new ConfigMapV1(this, 'backup-target', {
      metadata: s.metadata(`${w}-backup-target`),
      data: {
        S3_ENDPOINT: site.endpoint,
        S3_BUCKET: props.bucket,
        SITE: site.id,
        JURISDICTION: site.jurisdiction,
      },
    }).overrideLogicalId(`${w}-backup-target`);
    new NetworkPolicyV1(this, 'policy-allow-backup', {
      metadata: s.metadata(`${w}-allow-backup`),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: site.cidr } }], ports: [{ port: '443', protocol: 'TCP' }] }],
      },
    }).overrideLogicalId(`${w}-allow-backup`);
  }
}
