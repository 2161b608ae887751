/** The monitoring and network artifacts of a model written as synth writes them, for the tools to read. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
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

/** The rules files the Prometheus configuration `config` in `dir` loads, relative to `dir`. */
export const ruleFilesOf = (dir: string, config = 'prometheus.yml'): string[] =>
  (parse(readFileSync(join(dir, config), 'utf8')) as { rule_files: string[] }).rule_files;

/** The rule groups of every file `prometheus.yml` in `dir` loads, in its order. */
export const loadedRuleGroups = (dir: string): { name: string; rules: Record<string, unknown>[] }[] =>
  ruleFilesOf(dir).flatMap((file) => parse(readFileSync(join(dir, file), 'utf8')).groups);

/** Every promtool test file synth wrote for the rules in `dir` (tests/), relative to `dir`. */
export const ruleTestFilesIn = (dir: string): string[] =>
  readdirSync(join(dir, 'tests'))
    .filter((f) => f.endsWith('.rules.test.yml'))
    .sort()
    .map((f) => `tests/${f}`);
