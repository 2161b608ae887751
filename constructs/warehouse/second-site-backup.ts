/**
 * The one way out of a warehouse's namespace to the city's own second site, where its backups go
 * when it holds personal data that may not leave the country: HTTPS to the site's addresses. What
 * the database reads to back up there is in its shards' environment (spilo-backup.ts).
 */
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { Construct } from 'constructs';
import type { SecondSite } from '../../model/index.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

export interface SecondSiteBackupProps {
  /** The warehouse that backs up. */
  readonly scope: WarehouseScope;
  /** The city's second site, from the model. */
  readonly site: SecondSite;
}

export class SecondSiteBackup extends Construct {
  constructor(scope: Construct, id: string, props: SecondSiteBackupProps) {
    super(scope, id);
    const { scope: s, site } = props;
    const w = s.warehouse.id;
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
