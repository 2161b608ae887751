/** The monitoring and network artifacts of a model written as synth writes them, for the tools to read. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CityModel } from '../../model/index.ts';
import { monitoringView } from '../../monitoring/monitoring-view.ts';
import { networkView } from '../../network/network-view.ts';
import { tempDir } from './city.ts';

/** Writes the monitoring and network artifacts; returns the out/monitoring folder. */
export async function writeMonitoringOut(m: CityModel): Promise<string> {
  const out = tempDir();
  for (const view of [networkView, monitoringView])
    for (const a of await view.render(m)) {
      mkdirSync(dirname(join(out, a.path)), { recursive: true });
      writeFileSync(join(out, a.path), a.content);
    }
  return join(out, 'monitoring');
}
