/**
 * A local monitoring stack for a bench row: `citycloud monitor up` on free ports in a folder of
 * its own, started when the row says (so it can time the start) and always stopped after.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../synth/project-root.ts';

const BIN = join(PROJECT_ROOT, 'bin/citycloud.mjs');

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface StackPorts {
  readonly prometheus: number;
  readonly alertmanager: number;
  readonly simulator: number;
}

/**
 * Runs `work` with the stack's ports and a `start()` that runs `monitor up` with them and `args`
 * (its other options); stops the stack and removes its folder however `work` ends.
 */
export async function withLocalStack<T>(
  args: readonly string[],
  work: (ports: StackPorts, start: () => void) => Promise<T>,
): Promise<T> {
  const dir = join(mkdtempSync(join(tmpdir(), 'citycloud-bench-monitor-')), 'monitor');
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), simulator: await freePort() };
  const start = (): void => {
    execFileSync(
      process.execPath,
      [
        BIN,
        'monitor',
        'up',
        '--dir',
        dir,
        '--prometheus-port',
        String(ports.prometheus),
        '--alertmanager-port',
        String(ports.alertmanager),
        '--simulator-port',
        String(ports.simulator),
        ...args,
      ],
      { stdio: 'ignore' },
    );
  };
  try {
    return await work(ports, start);
  } finally {
    execFileSync(process.execPath, [BIN, 'monitor', 'down', '--dir', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}
