/** Running another program from an argv: no shell between, its output collected. */
import { spawn } from 'node:child_process';

export interface Ran {
  /** The exit code; 127 when the program could not be started (its stderr then says why). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv[0]` with the rest as its arguments, each passed as is (no shell reads them). */
export function runArgv(
  argv: readonly string[],
  options: {
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
    /** What the program reads on its standard input (none: it reads nothing). */
    readonly input?: string;
  } = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    const [command, ...args] = argv as [string, ...string[]];
    const { input, ...spawnOptions } = options;
    const child = spawn(command, args, {
      ...spawnOptions,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    // a program that exits without reading all of it is not an error of ours
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 1, stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr }),
    );
  });
}
