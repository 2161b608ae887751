/**
 * The way out of a warehouse's namespace to the off-site tier on AWS, for the database pods only:
 * HTTPS to public addresses (the S3 endpoint of the bucket's region, where a BACKUP or WAL-G
 * writes, and Roles Anywhere's, where the credential helper beside them gets the agent's role).
 * AWS's addresses change, so the policy names none; the private ranges stay shut, so it opens no
 * way to the city's own services. What the pods read to back up there is in their environment
 * (clickhouse-backup.ts, spilo-backup.ts, roles-anywhere-agent.ts).
 */
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { Construct } from 'constructs';
import { PRIVATE_RANGES } from '../../model/backup-target.ts';
import type { WarehouseEngine } from './engine.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

export interface OffsiteBackupProps {
  /** The warehouse that backs up. */
  readonly scope: WarehouseScope;
  /** Its engine, whose pods send the backups. */
  readonly engine: WarehouseEngine;
}

export class OffsiteBackup extends Construct {
  constructor(scope: Construct, id: string, props: OffsiteBackupProps) {
    super(scope, id);
    const s = props.scope;
    const name = `${s.warehouse.id}-allow-offsite-backup`;
    new NetworkPolicyV1(this, 'policy-allow-offsite-backup', {
      metadata: s.metadata(name),
      spec: {
        podSelector: { matchLabels: { ...s.base, 'app.kubernetes.io/name': props.engine.name } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }],
            ports: [{ port: '443', protocol: 'TCP' }],
          },
        ],
      },
    }).overrideLogicalId(name);
  }
}
