/**
 * The `kubectl-ssh` executor: the real fleet. Kubernetes steps through kubectl (the node's name is
 * the server's, as the stacks label it), the OS steps through ssh. Every command is an argv (no
 * local shell); the one string ssh hands the remote shell quotes the version. Each command is
 * retried with backoff, and every attempt is reported.
 *
 * What a server provides (the city's OS image does): `/etc/citycloud/os-version` (the version it
 * booted), `/etc/citycloud/os-version.installed` (the one installed, written by the upgrade
 * command), and at boot both are copied to node_exporter's textfile collector as
 * `citycloud_node_version{version="…"} 1`.
 */
import { onPath } from '../../exec/on-path.ts';
import { withRetries } from '../../exec/retry.ts';
import { runArgv } from '../../exec/run-argv.ts';
import { commandLine, shellQuote } from '../../exec/shell-quote.ts';
import {
  type CertificateFacts,
  type ClusterAction,
  type Executor,
  ExecutorError,
  type FleetAction,
  type MountingWorkload,
  OUT_OF_SERVICE_TAINT,
  type ServerFacts,
  VERSION_PATTERN,
  type WorkloadKind,
} from './executor.ts';

export interface KubectlSshOptions {
  /** kubectl's global flags before the verb: --context, --kubeconfig, or --server/--token. */
  readonly kubectlArgs?: readonly string[];
  readonly context?: string;
  readonly sshUser?: string;
  /** ssh's own options (-o …, -i …, -p …). */
  readonly sshArgs?: readonly string[];
  /** The remote upgrade command; `{version}` is replaced by the version, single-quoted. */
  readonly upgradeCommand?: string;
  /** Where a server keeps its version files (default /etc/citycloud). */
  readonly stateDir?: string;
  readonly drainTimeoutSeconds?: number;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly kubectl?: string;
  readonly ssh?: string;
  /** Called for every attempt of every command: what ran and how it ended. */
  readonly onAttempt?: (line: string) => void;
}

/**
 * kubectl's refusal to remove a taint the node does not have (kubectl 1.34's `taint %q not
 * found`, printed after `error: `): then there is nothing to do.
 */
export const NO_SUCH_TAINT = /^error: taint ".*" not found$/;

/** cert-manager's Certificate, by its full resource name (no other kind named `certificate` is meant). */
const CERTIFICATES = 'certificates.cert-manager.io';

/** A status condition of a Certificate, as `kubectl get -o json` prints it. */
interface Condition {
  readonly type?: string;
  readonly status?: string;
}

/**
 * What `cmctl renew` does (cert-manager/cmctl pkg/renew/renew.go:217, at v2.5.0-176), as a JSON
 * patch of the Certificate's status: its Issuing condition set True, reason ManuallyTriggered, at
 * the Certificate's generation — the one there replaced (tested first, so a condition moved
 * meanwhile fails the patch), else added. Null when it is True already: an issuance is under way.
 */
export function renewPatch(
  certificate: { metadata?: { generation?: number }; status?: { conditions?: readonly Condition[] } },
  at: Date,
): string | null {
  const conditions = certificate.status?.conditions;
  const i = conditions?.findIndex((c) => c.type === 'Issuing') ?? -1;
  if (i >= 0 && conditions?.[i]?.status === 'True') return null;
  const value = {
    type: 'Issuing',
    status: 'True',
    reason: 'ManuallyTriggered',
    message: 'Certificate re-issuance manually triggered',
    lastTransitionTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(certificate.metadata?.generation === undefined
      ? {}
      : { observedGeneration: certificate.metadata.generation }),
  };
  const ops =
    i >= 0
      ? [
          { op: 'test', path: `/status/conditions/${i}/type`, value: 'Issuing' },
          { op: 'replace', path: `/status/conditions/${i}`, value },
        ]
      : conditions
        ? [{ op: 'add', path: '/status/conditions/-', value }]
        : [{ op: 'add', path: '/status/conditions', value: [value] }];
  return JSON.stringify(ops);
}

/** The `certificate` template's output, `<notBefore> <notAfter> <secretName>`, read: a time not there is 0. */
export function certificateFacts(printed: string): CertificateFacts | null {
  const [notBefore = '', notAfter = '', secretName = ''] = printed.replace(/\r?\n$/, '').split(' ');
  if (!secretName) return null;
  const time = (t: string) => {
    const v = Date.parse(t) / 1000;
    return Number.isFinite(v) ? v : 0;
  };
  return { notBefore: time(notBefore), notAfter: time(notAfter), secretName };
}

/** A Deployment's or StatefulSet's as `kubectl get -o json` lists them: what mounts what. */
interface ListedWorkload {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec?: {
    readonly template?: {
      readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
      readonly spec?: {
        readonly volumes?: readonly {
          readonly secret?: { readonly secretName?: string };
          readonly projected?: {
            readonly sources?: readonly { readonly secret?: { readonly name?: string } }[];
          };
        }[];
      };
    };
  };
}

/** The workloads of a `kubectl get deployments,statefulsets -o json` list that mount `secretName`. */
export function mountingOf(listed: string, secretName: string): MountingWorkload[] {
  const items = ((JSON.parse(listed) as { items?: ListedWorkload[] }).items ?? []) as ListedWorkload[];
  return items.flatMap((w) => {
    const volumes = w.spec?.template?.spec?.volumes ?? [];
    const mounts = volumes.some(
      (v) =>
        v.secret?.secretName === secretName ||
        (v.projected?.sources ?? []).some((s) => s.secret?.name === secretName),
    );
    const kind = w.kind === 'StatefulSet' ? 'StatefulSet' : w.kind === 'Deployment' ? 'Deployment' : null;
    if (!mounts || !kind || !w.metadata?.name) return [];
    const at = w.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    const restartedAt = at ? Date.parse(at) / 1000 : Number.NaN;
    return [{ kind, name: w.metadata.name, restartedAt: Number.isFinite(restartedAt) ? restartedAt : null }];
  });
}

/** What the `node` argv's template prints, `<unschedulable> <the out-of-service taint's effect>`, read. */
export function nodeFacts(printed: string): { cordoned: boolean; fenced: boolean } {
  // either side may be empty
  const space = printed.indexOf(' ');
  return {
    cordoned: (space < 0 ? printed : printed.slice(0, space)).trim() === 'true',
    fenced: space >= 0 && printed.slice(space + 1).trim() === 'NoExecute',
  };
}

export const DEFAULT_UPGRADE_COMMAND = 'sudo /usr/local/sbin/citycloud-os-upgrade {version}';

export class KubectlSshExecutor implements Executor {
  readonly name = 'kubectl-ssh';
  private readonly kubectl: string;
  private readonly ssh: string;

  constructor(private readonly options: KubectlSshOptions = {}) {
    this.kubectl = options.kubectl ?? 'kubectl';
    this.ssh = options.ssh ?? 'ssh';
  }

  /** Checks kubectl and ssh are installed; a one-line error naming what is missing. */
  static fromPath(options: KubectlSshOptions = {}): KubectlSshExecutor {
    for (const [tool, pkg] of [
      [options.kubectl ?? 'kubectl', 'kubectl (https://kubernetes.io/docs/tasks/tools/)'],
      [options.ssh ?? 'ssh', 'openssh-client (apt-get install -y openssh-client)'],
    ] as const)
      if (!onPath(tool))
        throw new ExecutorError(
          `${tool} is not installed; the kubectl-ssh executor needs it: install ${pkg}`,
        );
    return new KubectlSshExecutor(options);
  }

  private kubectlArgv(...verb: string[]): string[] {
    return [
      this.kubectl,
      ...(this.options.kubectlArgs ?? []),
      ...(this.options.context ? ['--context', this.options.context] : []),
      ...verb,
    ];
  }

  private sshArgv(server: string, remote: string): string[] {
    return [
      this.ssh,
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      ...(this.options.sshArgs ?? []),
      ...(this.options.sshUser ? ['-l', this.options.sshUser] : []),
      '--',
      server,
      remote,
    ];
  }

  /** The argv of each cluster action and reading, as run. */
  clusterArgv(
    what: ClusterAction | 'certificate' | 'certificate-json' | 'workloads',
    namespace: string,
    name: string,
    kind: WorkloadKind = 'Deployment',
    now = new Date(),
    /** The renewal's patch, made from the Certificate as read (renewPatch). */
    patch?: string,
  ): string[] {
    switch (what) {
      case 'certificate':
        return this.kubectlArgv(
          'get',
          CERTIFICATES,
          name,
          '-n',
          namespace,
          '-o',
          'jsonpath={.status.notBefore}{" "}{.status.notAfter}{" "}{.spec.secretName}',
        );
      case 'renew-certificate':
        return this.kubectlArgv(
          'patch',
          CERTIFICATES,
          name,
          '-n',
          namespace,
          '--subresource=status',
          '--type=json',
          '-p',
          patch ?? renewPatch({ status: { conditions: [] } }, now) ?? '',
        );
      case 'certificate-json':
        return this.kubectlArgv('get', CERTIFICATES, name, '-n', namespace, '-o', 'json');
      case 'workloads':
        return this.kubectlArgv('get', 'deployments,statefulsets', '-n', namespace, '-o', 'json');
      case 'restart':
        return this.kubectlArgv('rollout', 'restart', `${kind.toLowerCase()}/${name}`, '-n', namespace);
    }
  }

  describeCluster(action: ClusterAction, namespace: string, name: string, kind?: WorkloadKind): string {
    return commandLine(this.clusterArgv(action, namespace, name, kind));
  }

  async certificate(namespace: string, name: string): Promise<CertificateFacts | null> {
    // a Certificate of that name that is not there is an answer, not a failure
    const printed = await this.run(
      this.clusterArgv('certificate', namespace, name),
      undefined,
      /^Error from server \(NotFound\)/,
    );
    return certificateFacts(printed);
  }
  async renewCertificate(namespace: string, name: string): Promise<void> {
    // the patch is made from the Certificate's conditions as they are, as cmctl makes it
    const read = JSON.parse(await this.run(this.clusterArgv('certificate-json', namespace, name)));
    const patch = renewPatch(read, new Date());
    if (patch === null) return; // an issuance is under way already
    await this.run(this.clusterArgv('renew-certificate', namespace, name, 'Deployment', new Date(), patch));
  }
  async workloadsMounting(namespace: string, secretName: string): Promise<MountingWorkload[]> {
    return mountingOf(await this.run(this.clusterArgv('workloads', namespace, '')), secretName);
  }
  async restartWorkload(namespace: string, kind: WorkloadKind, name: string): Promise<void> {
    await this.run(this.clusterArgv('restart', namespace, name, kind));
  }

  /** The argv of each step (and of the facts), as run. */
  argv(step: FleetAction | 'node' | 'host-facts', server: string, version = ''): string[] {
    switch (step) {
      case 'cordon':
        return this.kubectlArgv('cordon', server);
      case 'drain':
        return this.kubectlArgv(
          'drain',
          server,
          '--ignore-daemonsets',
          '--delete-emptydir-data',
          `--timeout=${this.options.drainTimeoutSeconds ?? 600}s`,
        );
      case 'uncordon':
        return this.kubectlArgv('uncordon', server);
      case 'fence':
        return this.kubectlArgv('taint', 'nodes', server, OUT_OF_SERVICE_TAINT, '--overwrite');
      case 'unfence':
        return this.kubectlArgv('taint', 'nodes', server, `${OUT_OF_SERVICE_TAINT}-`);
      case 'node':
        // "true" when cordoned, then the effect of the out-of-service taint when it has it
        return this.kubectlArgv(
          'get',
          'node',
          server,
          '-o',
          `jsonpath={.spec.unschedulable}{" "}{.spec.taints[?(@.key=="${OUT_OF_SERVICE_TAINT.split('=')[0]}")].effect}`,
        );
      case 'upgrade': {
        if (!VERSION_PATTERN.test(version))
          throw new ExecutorError(`"${version.slice(0, 40)}" is not an OS image version`);
        const command = (this.options.upgradeCommand ?? DEFAULT_UPGRADE_COMMAND).replaceAll(
          '{version}',
          shellQuote(version),
        );
        return this.sshArgv(server, command);
      }
      case 'reboot':
        // scheduled a moment later, so ssh returns before the connection drops
        return this.sshArgv(server, 'sudo systemd-run --on-active=2 /bin/systemctl reboot');
      case 'host-facts': {
        const dir = shellQuote(this.options.stateDir ?? '/etc/citycloud');
        return this.sshArgv(
          server,
          `cat /proc/sys/kernel/random/boot_id ${dir}/os-version ${dir}/os-version.installed`,
        );
      }
    }
  }

  describe(step: FleetAction, server: string, version: string): string {
    return commandLine(this.argv(step, server, version));
  }

  /** Runs an argv with retries and backoff; returns stdout, or throws with the last stderr line. */
  private run(
    argv: readonly string[],
    attempts = this.options.attempts ?? 3,
    /** A failure whose stderr says this is the effect being there already: not a failure. */
    already?: RegExp,
  ): Promise<string> {
    const shown = commandLine(argv);
    return withRetries(
      async ({ attempt, of }) => {
        const { code, stdout, stderr } = await runArgv(argv);
        if (code === 0) {
          this.options.onAttempt?.(`${shown} (attempt ${attempt}/${of}): ok`);
          return stdout;
        }
        const last = stderr.trim().split('\n').at(-1) || `exit ${code}`;
        if (already?.test(last)) {
          this.options.onAttempt?.(`${shown} (attempt ${attempt}/${of}): already: ${last}`);
          return stdout;
        }
        this.options.onAttempt?.(`${shown} (attempt ${attempt}/${of}): exit ${code}: ${last}`);
        throw new ExecutorError(
          `${shown} failed ${attempt} ${attempt === 1 ? 'time' : 'times'}; last: ${last.slice(0, 300)}`,
        );
      },
      { attempts, backoffMs: this.options.backoffMs ?? 2000 },
    );
  }

  /** The server's boot id and versions over ssh, or null when ssh does not answer. */
  async hostFacts(server: string): Promise<{ bootId: string; version: string; installed: string } | null> {
    const text = await this.run(this.argv('host-facts', server), 1).catch(() => null);
    if (text === null) return null;
    const [bootId = '', version = '', installed = ''] = text.split('\n').map((l) => l.trim());
    return { bootId, version, installed };
  }

  async facts(server: string): Promise<ServerFacts> {
    const [unschedulable, host] = await Promise.all([
      this.run(this.argv('node', server), 1),
      this.hostFacts(server),
    ]);
    const { cordoned, fenced } = nodeFacts(unschedulable);
    // ssh does not answer: down (rebooting) as far as the upgrade is concerned
    return host
      ? { ...host, cordoned, fenced, up: true }
      : { version: '', installed: '', bootId: '', cordoned, fenced, up: false };
  }

  async cordon(server: string) {
    await this.run(this.argv('cordon', server));
  }
  async drain(server: string) {
    await this.run(this.argv('drain', server));
  }
  async fence(server: string) {
    await this.run(this.argv('fence', server));
  }
  async unfence(server: string) {
    await this.run(this.argv('unfence', server), undefined, NO_SUCH_TAINT);
  }
  async install(server: string, version: string) {
    await this.run(this.argv('upgrade', server, version));
  }
  async reboot(server: string) {
    await this.run(this.argv('reboot', server));
  }
  async uncordon(server: string) {
    await this.run(this.argv('uncordon', server));
  }
}
