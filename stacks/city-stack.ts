/**
 * What every Kubernetes stack of the city has: the provider, and its own state — one state per
 * stack, so each plans, deploys and fails on its own — in the backend the inventory names
 * (`terraformState`): local files under state/ beside out/ (which synth replaces whole) by
 * default, or the data centre's S3-compatible store, or PostgreSQL.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider/index.js';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { TerraformState } from '../model/index.ts';
import { localStatePath } from './local-state.ts';

export class CityStack extends TerraformStack {
  constructor(scope: Construct, id: string, state: TerraformState) {
    super(scope, id);
    new KubernetesProvider(this, 'kubernetes', { configPath: '~/.kube/config' });
    switch (state.backend) {
      case 'local':
        // from out/terraform/stacks/<id>/ up to the folder that holds out/
        new LocalBackend(this, { path: localStatePath(id) });
        break;
      case 's3':
        new S3Backend(this, {
          bucket: state.bucket,
          key: `${state.keyPrefix}/${id}.tfstate`,
          region: state.region,
          encrypt: true,
          ...(state.endpoint
            ? {
                endpoints: { s3: state.endpoint },
                usePathStyle: true,
                skipCredentialsValidation: true,
                skipRegionValidation: true,
                skipRequestingAccountId: true,
              }
            : {}),
        });
        // S3-native locking (Terraform ≥ 1.10): no DynamoDB table to run in the data centre
        this.addOverride('terraform.backend.s3.use_lockfile', true);
        break;
      case 'pg':
        // the connection string (with its password) comes from PG_CONN_STR, never from the files
        this.addOverride('terraform.backend', {
          pg: { schema_name: `${state.schemaPrefix}_${id.replaceAll('-', '_')}` },
        });
        break;
    }
  }
}
