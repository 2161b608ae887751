/**
 * Runs the fleet simulator for the local stack: `node --import tsx scripts/serve-simulator.ts
 * <inventory> <port> [time scale] [load offset, seconds]`. Started and stopped by `citycloud monitor up` / `down`.
 */
import { formatFinding, loadCity } from '../model/index.ts';
import { FleetSimulator } from '../monitoring/simulator/fleet-simulator.ts';
import { renderPlan } from '../stacks/stack-plan.ts';
import { terraformPlans } from '../stacks/terraform-view.ts';
import { clusterObjects } from '../view/cluster-objects.ts';

const [inventory, port, timeScale = '1', loadOffset = '0'] = process.argv.slice(2) as [
  string,
  string,
  string?,
  string?,
];
const { model, findings } = loadCity(inventory);
if (!model) {
  console.error(findings.map(formatFinding).join('\n'));
  process.exit(2);
}
// the load as of another date (monitor up --load-date): the model's time runs this far ahead
const offset = Number(loadOffset);
// the cluster's objects are what the stacks create: rendered here as synth renders them
const stacks: string[] = [];
for (const plan of terraformPlans(model)) stacks.push((await renderPlan(plan)).content);
const cluster = clusterObjects(stacks);
await new FleetSimulator(model, () => Date.now() / 1000 + offset, Number(timeScale), cluster).listen(
  Number(port),
);
console.log(
  `fleet simulator: ${model.servers.length} servers, ${cluster.workloads.length} workloads on http://127.0.0.1:${port}`,
);
process.on('SIGTERM', () => process.exit(0));
