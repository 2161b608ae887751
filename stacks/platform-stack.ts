/**
 * The platform stacks: what every tenant stands on. `platform` holds the priority classes; each
 * row of racks has a stack of its own, `platform-<hall>-<row>`, with its servers' Node labels and
 * taints — a row is a failure domain (its power and top-of-rack switches), a stack per row keeps
 * every state within the bound (CC023), and adding a row adds a stack and moves nothing. Inside a
 * row's stack each pool is a part (adding a server re-renders its pool's part of its row).
 */
import { type CityModel, serversByRow } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import type { StackPart, StackPlan } from './stack-plan.ts';

const priorityClasses = loadOnce(() => import('../constructs/priority-classes.ts'));
const serverPool = loadOnce(() => import('../constructs/server-pool.ts'));
const kubeStateMetrics = loadOnce(() => import('../constructs/kube-state-metrics.ts'));

/** The name of a row's platform stack. */
export const rowStackName = (row: string) => `platform-${row}`;

/**
 * The platform stacks, in deploy order: the priority classes and kube-state-metrics (what the
 * Kubernetes alerts read), then a stack per row.
 */
export function platformPlans(model: CityModel): StackPlan[] {
  const classes: StackPlan = {
    name: 'platform',
    state: model.terraformState,
    parts: [
      {
        id: 'priority-classes',
        slice: null,
        load: async () => {
          const { PriorityClasses } = await priorityClasses();
          return (s) => new PriorityClasses(s, 'priority-classes');
        },
      },
      {
        id: 'kube-state-metrics',
        slice: null,
        load: async () => {
          const { KubeStateMetrics } = await kubeStateMetrics();
          return (s) => new KubeStateMetrics(s, 'kube-state-metrics');
        },
      },
    ],
  };
  const rows: StackPlan[] = [];
  for (const [row, servers] of serversByRow(model)) {
    const parts: StackPart[] = [];
    for (const pool of model.pools) {
      const own = servers.filter((s) => s.pool === pool.id);
      if (own.length === 0) continue;
      parts.push({
        id: `pool-${pool.id}`,
        slice: { pool, servers: own },
        load: async () => {
          const { ServerPool } = await serverPool();
          return (s) => new ServerPool(s, `pool-${pool.id}`, { pool, servers: own });
        },
      });
    }
    rows.push({ name: rowStackName(row), state: model.terraformState, parts });
  }
  return [classes, ...rows];
}
