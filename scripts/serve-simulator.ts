/**
 * Runs the fleet simulator for the local stack: `node --import tsx scripts/serve-simulator.ts
 * <inventory> <port> [time scale] [load offset, seconds]`. Started and stopped by `citycloud monitor up` / `down`.
 */
import { formatFinding, loadCity } from '../model/index.ts';
import { FleetSimulator } from '../monitoring/simulator/fleet-simulator.ts';

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
await new FleetSimulator(model, () => Date.now() / 1000 + offset, Number(timeScale)).listen(Number(port));
console.log(`fleet simulator: ${model.servers.length} servers on http://127.0.0.1:${port}`);
process.on('SIGTERM', () => process.exit(0));
