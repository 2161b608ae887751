/** The monitoring and network artifacts of a model written as synth writes them, for the tools to read. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CityModel } from '../../model/index.ts';
import { monitoringView } from '../../monitoring/monitoring-view.ts';
import { KUBERNETES_CREDENTIALS } from '../../monitoring/prometheus-config.ts';
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

/**
 * What a deployment puts beside prometheus.yml and synth never writes (a secret): the service
 * account token and the cluster CA the Kubernetes jobs present (KUBERNETES_CREDENTIALS). promtool
 * checks that they exist, so a check of the config needs them; here they are empty files.
 */
export function withDeploymentCredentials(dir: string): string {
  for (const file of Object.values(KUBERNETES_CREDENTIALS)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), '');
  }
  return dir;
}
