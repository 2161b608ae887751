/** Whether a program is installed. */
import { spawnSync } from 'node:child_process';

/** True when `tool` (a name looked up on PATH, or a path) runs here; the name reaches no shell as code. */
export const onPath = (tool: string): boolean =>
  spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0;
