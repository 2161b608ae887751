/**
 * `citycloud deploy`: the options, handed to deploy/deploy.ts, which holds the gate and the tools.
 */
import { type DeployOptions, runDeploy } from '../../deploy/deploy.ts';

export type { DeployOptions };

export const deployCommand = (opts: DeployOptions): Promise<number> =>
  runDeploy(opts, { log: (line) => console.error(line), say: (line) => console.log(line) });
