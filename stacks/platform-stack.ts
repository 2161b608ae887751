/**
 * The platform stack: what every tenant stands on — the priority classes, and the server pools'
 * Node labels and taints, in parts of one row of one pool (adding a server re-renders its row).
 */
import type { CityModel, Server } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import type { StackPart, StackPlan } from './stack-plan.ts';

const priorityClasses = loadOnce(() => import('../constructs/priority-classes.ts'));
const serverPool = loadOnce(() => import('../constructs/server-pool.ts'));

export function platformPlan(model: CityModel, name = 'platform'): StackPlan {
  const parts: StackPart[] = [
    {
      id: 'priority-classes',
      slice: null,
      load: async () => {
        const { PriorityClasses } = await priorityClasses();
        return (s) => new PriorityClasses(s, 'priority-classes');
      },
    },
  ];
  for (const pool of model.pools) {
    const rows = new Map<string, Server[]>();
    for (const s of model.servers)
      if (s.pool === pool.id) {
        const row = `${s.hall}-${s.row}`;
        rows.set(row, [...(rows.get(row) ?? []), s]);
      }
    for (const [row, servers] of rows)
      parts.push({
        id: `pool-${pool.id}/${row}`,
        slice: { pool, servers },
        load: async () => {
          const { ServerPool } = await serverPool();
          return (s) => new ServerPool(s, `pool-${pool.id}`, { pool, servers });
        },
      });
  }
  return { name, state: model.terraformState, parts };
}
