/**
 * The platform stack: what every tenant stands on — the server pools' Node labels and taints and
 * the priority classes. Its state is local by default, kept outside out/ (which synth replaces).
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider/index.js';
import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { PriorityClasses } from '../constructs/priority-classes.ts';
import { ServerPool } from '../constructs/server-pool.ts';
import type { CityModel } from '../model/index.ts';

export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, model: CityModel) {
    super(scope, id);
    new KubernetesProvider(this, 'kubernetes', { configPath: '~/.kube/config' });
    // from out/terraform/stacks/<id>/ up to the folder that holds out/
    new LocalBackend(this, { path: `../../../../state/${id}.tfstate` });
    new PriorityClasses(this, 'priority-classes');
    for (const pool of model.pools) {
      const servers = model.servers.filter((s) => s.pool === pool.id);
      if (servers.length > 0) new ServerPool(this, `pool-${pool.id}`, { pool, servers });
    }
  }
}
