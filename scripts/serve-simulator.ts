/**
 * Runs the fleet simulator for the local stack: `node --import tsx scripts/serve-simulator.ts
 * <inventory> <port> [time scale]`. Started and stopped by `citycloud monitor up` / `down`.
 */
import { formatFinding, loadCity } from '../model/index.ts';
import { FleetSimulator } from '../monitoring/simulator/fleet-simulator.ts';

const [inventory, port, timeScale = '1'] = process.argv.slice(2) as [string, string, string?];
const { model, findings } = loadCity(inventory);
if (!model) {
  console.error(findings.map(formatFinding).join('\n'));
  process.exit(2);
}
await new FleetSimulator(model, undefined, Number(timeScale)).listen(Number(port));
console.log(`fleet simulator: ${model.servers.length} servers on http://127.0.0.1:${port}`);
process.on('SIGTERM', () => process.exit(0));
