/**
 * The platform stack: what every tenant stands on — the server pools' Node labels and taints and
 * the priority classes.
 */
import type { Construct } from 'constructs';
import { PriorityClasses } from '../constructs/priority-classes.ts';
import { ServerPool } from '../constructs/server-pool.ts';
import type { CityModel } from '../model/index.ts';
import { CityStack } from './city-stack.ts';

export class PlatformStack extends CityStack {
  constructor(scope: Construct, id: string, model: CityModel) {
    super(scope, id, model.terraformState);
    new PriorityClasses(this, 'priority-classes');
    for (const pool of model.pools) {
      const servers = model.servers.filter((s) => s.pool === pool.id);
      if (servers.length > 0) new ServerPool(this, `pool-${pool.id}`, { pool, servers });
    }
  }
}
