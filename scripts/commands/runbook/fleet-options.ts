/**
 * What acts on the fleet, for every runbook that does (the upgrade, and a runbook's `fleet`):
 * `--executor sim` drives the fleet simulator, `kubectl-ssh` the city's servers.
 */
import { type Command, Option } from 'commander';
import type { Reporter } from '../../../runbooks/engine/progress.ts';
import type { Executor } from '../../../runbooks/executors/executor.ts';
import { KubectlSshExecutor } from '../../../runbooks/executors/kubectl-ssh-executor.ts';
import { SimExecutor } from '../../../runbooks/executors/sim-executor.ts';

export interface FleetOptions {
  readonly executor: 'sim' | 'kubectl-ssh';
  readonly simulator: string;
  readonly sshUser?: string;
  readonly kubeContext?: string;
  /** The upgrade's remote command (executor kubectl-ssh). */
  readonly upgradeCommand?: string;
}

export const withFleetOptions = (c: Command): Command =>
  c
    .addOption(
      new Option('--executor <name>', 'what acts on the fleet')
        .choices(['sim', 'kubectl-ssh'])
        .default('sim'),
    )
    .option('--simulator <url>', 'the fleet simulator (executor sim)', 'http://127.0.0.1:9200')
    .option('--ssh-user <user>', 'executor kubectl-ssh: the ssh login')
    .option('--kube-context <name>', 'executor kubectl-ssh: the kubeconfig context');

/** Which fleet the executor acts on, journaled: the simulator's URL, or the kube context. */
export const fleetOf = (opts: FleetOptions): string =>
  opts.executor === 'sim' ? opts.simulator : `kube context ${opts.kubeContext ?? '(current)'}`;

/**
 * The executor; kubectl-ssh reports every attempt of every command on the run's progress, and
 * needs kubectl and ssh installed — but for a dry run (`describeOnly`), which runs neither.
 */
export function executorOf(opts: FleetOptions, shown: Reporter, describeOnly = false): Executor {
  if (opts.executor === 'sim') return new SimExecutor(opts.simulator);
  const options = {
    onAttempt: (line: string) => shown.line(line),
    ...(opts.sshUser ? { sshUser: opts.sshUser } : {}),
    ...(opts.upgradeCommand ? { upgradeCommand: opts.upgradeCommand } : {}),
    ...(opts.kubeContext ? { context: opts.kubeContext } : {}),
  };
  return describeOnly ? new KubectlSshExecutor(options) : KubectlSshExecutor.fromPath(options);
}
