/** The real command-line tools the monitoring tests drive (Debian's Prometheus packages). */
import { spawnSync } from 'node:child_process';

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
