/**
 * `citycloud deploy`: the options, handed to deploy/deploy.ts, which holds the gate and the tools.
 */
import { type DeployOptions, runDeploy } from '../../deploy/deploy.ts';
import { inert } from '../../view/terminal.ts';

export type { DeployOptions };

export const deployCommand = (opts: DeployOptions): Promise<number> =>
  // what deploy prints quotes out/ (stack names, file names) and the tools: inert on a terminal
  runDeploy(opts, { log: (line) => console.error(inert(line)), say: (line) => console.log(inert(line)) });
